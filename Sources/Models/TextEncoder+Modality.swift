import Tensor

extension TextEncoder: ModalityEncoder {
    /// Every weight matrix (embeddings and linear layers): what gradient modulation scales.
    public var modulatedWeights: [Parameter] { parameters.filter { $0.shape.count == 2 } }

    /// None: layer normalization keeps no running statistics.
    public var buffers: [String: [Float]] { [:] }

    /// Token ids and mask `[B, L]` → pooled features `[B, H]`.
    public func forward(_ input: ModalityBatch, training: Bool) throws -> Tensor {
        guard case .tokens(let ids, let mask, let length) = input else {
            throw ModelInputError(encoder: name, reason: "a text encoder reads tokens, got "
                                  + input.kindName)
        }
        do {
            return try forward(tokens: ids, mask: mask, batch: input.clipCount, length: length,
                               training: training)
        } catch {
            throw ModelInputError(encoder: name, reason: "\(error)")
        }
    }

    /// The dropout generators: the embeddings', then each layer's, in order.
    public var generators: [SeededGenerator] {
        get { dropouts.map(\.generatorState) }
        set {
            for (layer, generator) in zip(dropouts, newValue) { layer.generatorState = generator }
        }
    }

    private var dropouts: [Dropout] { [embeddings.dropout] + layers.flatMap(\.dropouts) }

    /// Nothing to set.
    public func loadBuffers(_ values: [String: [Float]]) throws {}
}
