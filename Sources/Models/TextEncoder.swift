import Foundation
import Tensor

/// A BERT-architecture text encoder: embeddings, `layerCount` post-LN transformer layers, and
/// one feature per sequence ([CLS], masked mean, or BERT's pooler).
///
/// Parameter names are `name.` + the HuggingFace BertModel names (`text.embeddings.…`,
/// `text.encoder.layer.0.…`, `text.pooler.dense.…`), so a checkpoint loads by name.
public final class TextEncoder {
    /// The parameter-name prefix, e.g. `text`.
    public let name: String
    /// The modality index this encoder belongs to.
    public let modality: Int
    /// The architecture.
    public let config: TextEncoderConfig
    /// How the feature is taken from the last hidden states.
    public let pooling: TextPooling
    /// Word, position and token-type embeddings with their norm.
    public let embeddings: TextEmbeddings
    /// The encoder layers, input first.
    public let layers: [TransformerLayer]
    /// BERT's pooler dense layer [H, H]; present only with `.pooler`.
    public let pooler: Linear?

    /// The last hidden states [B, L, H] of the latest forward.
    public private(set) var lastHiddenStates: Tensor?

    private struct Saved {
        let batch: Int
        let length: Int
        let mask: [UInt8]
        let pooled: Tensor?
    }

    private var saved: Saved?

    /// Feature length per sequence (the hidden size).
    public var featureCount: Int { config.hiddenSize }

    /// Makes a randomly initialised encoder as BERT initialises one: linear weights and
    /// embeddings N(0, initializerRange²), biases 0, norms γ = 1, β = 0, the [PAD] row zero.
    public init(name: String = "text", config: TextEncoderConfig, pooling: TextPooling = .cls,
                modality: Int = 0, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let std = config.initializerRange
        embeddings = TextEmbeddings(name: name + ".embeddings", config: config,
                                    generator: &generator)
        layers = (0..<config.layerCount).map { index in
            TransformerLayer(name: "\(name).encoder.layer.\(index)", width: config.hiddenSize,
                             heads: config.headCount, intermediateWidth: config.intermediateSize,
                             hiddenDropout: config.hiddenDropout,
                             attentionDropout: config.attentionDropout,
                             layerNormEpsilon: config.layerNormEpsilon, standardDeviation: std,
                             generator: &generator)
        }
        pooler = pooling == .pooler
            ? Linear(name: name + ".pooler.dense", inFeatures: config.hiddenSize,
                     outFeatures: config.hiddenSize, standardDeviation: std,
                     generator: &generator)
            : nil
        self.name = name
        self.modality = modality
        self.config = config
        self.pooling = pooling
    }

    /// Loads a HuggingFace-layout checkpoint folder: `config.json` and `model.safetensors`
    /// (BertModel names, optionally under `bert.`).
    public convenience init(checkpoint folder: String, name: String = "text",
                            pooling: TextPooling = .cls, modality: Int = 0,
                            seed: UInt64 = 0) throws(WeightsError) {
        let root = URL(fileURLWithPath: folder)
        let config = try TextEncoderConfig(
            contentsOfFile: root.appendingPathComponent("config.json").path)
        let weights = root.appendingPathComponent("model.safetensors").path
        guard FileManager.default.fileExists(atPath: weights) else {
            throw .missingFile(path: weights)
        }
        try Self.checkSizes(config, against: SafetensorsFile(path: weights))
        self.init(name: name, config: config, pooling: pooling, modality: modality, seed: seed)
        try load(safetensors: weights)
    }

    /// Checks the config's sizes against the weights file before anything is allocated: the
    /// word-embedding table must be [vocab_size, hidden_size] and the last layer present.
    private static func checkSizes(_ config: TextEncoderConfig,
                                   against file: SafetensorsFile) throws(WeightsError) {
        func entry(_ key: String) -> SafetensorsFile.Entry? {
            file.entries[key] ?? file.entries["bert." + key]
        }
        let table = entry("embeddings.word_embeddings.weight")
        guard table?.shape == [config.vocabularySize, config.hiddenSize] else {
            throw .unsupportedConfig(path: file.path, reason: "embeddings.word_embeddings.weight "
                                     + "is \(table?.shape ?? []), the config says "
                                     + "[\(config.vocabularySize), \(config.hiddenSize)]")
        }
        let last = "encoder.layer.\(config.layerCount - 1).output.dense.weight"
        guard entry(last)?.shape == [config.hiddenSize, config.intermediateSize] else {
            throw .unsupportedConfig(path: file.path, reason: "\(last) is "
                                     + "\(entry(last)?.shape ?? []), the config's "
                                     + "\(config.layerCount) layers need "
                                     + "[\(config.hiddenSize), \(config.intermediateSize)]")
        }
    }

    /// Replaces every parameter with the tensor of the same HuggingFace name in the
    /// safetensors file at `path` (tried as is, then under `bert.`); shapes must match, and
    /// nothing changes on an error. Tensors the encoder does not use are ignored.
    // LIMITATION: only `model.safetensors` is read (not `pytorch_model.bin` pickles, nor
    // sharded `model-0000x-of-0000y` files), and the old TensorFlow-converted names
    // `LayerNorm.gamma/beta` are not mapped — neither occurs in the checkpoints used here, and
    // unpickling needs a Python-object reader of its own.
    public func load(safetensors path: String) throws(WeightsError) {
        let file = try SafetensorsFile(path: path)
        var values: [[Float]] = []
        for parameter in parameters {
            let key = String(parameter.name.dropFirst(name.count + 1))
            let stored = file.entries[key] != nil || file.entries["bert." + key] == nil
                ? key : "bert." + key
            values.append(try file.floats(stored, shape: parameter.shape))
        }
        for (parameter, value) in zip(parameters, values) { parameter.value = value }
    }

    /// tokens and mask [B·L] (row-major [B, L], mask non-zero for real tokens) → features
    /// [B, H]; keeps what `backward` needs and the last hidden states.
    public func forward(tokens: [Int32], mask: [UInt8], batch: Int, length: Int,
                        tokenTypes: [Int32]? = nil,
                        training: Bool) throws(TextEncoderError) -> Tensor {
        let types = tokenTypes ?? [Int32](repeating: 0, count: tokens.count)
        try check(tokens: tokens, mask: mask, types: types, batch: batch, length: length)
        let additive = MultiHeadAttention.additiveMask(mask)

        var hidden = embeddings.forward(ids: tokens, tokenTypes: types, length: length,
                                        training: training)
        for layer in layers {
            hidden = layer.forward(hidden, additiveMask: additive, batch: batch, length: length,
                                   training: training)
        }
        lastHiddenStates = Tensor(shape: [batch, length, config.hiddenSize], data: hidden.data)

        let features = pool(hidden, mask: mask, batch: batch, length: length)
        saved = Saved(batch: batch, length: length, mask: mask,
                      pooled: pooling == .pooler ? features : nil)
        return features
    }

    /// Accumulates every parameter's gradient from d(features) [B, H].
    public func backward(_ grad: Tensor) {
        guard let s = saved else { preconditionFailure("TextEncoder.backward before forward") }
        let width = config.hiddenSize
        precondition(grad.shape == [s.batch, width],
                     "\(name): gradient \(grad.shape) for features [\(s.batch), \(width)]")
        var dHidden = Tensor(zeros: [s.batch * s.length, width])

        switch pooling {
        case .cls, .pooler:
            var dFirst = grad
            if let pooler, let pooled = s.pooled {
                for index in dFirst.data.indices {
                    let y = pooled.data[index]
                    dFirst.data[index] *= 1 - y * y
                }
                dFirst = pooler.backward(dFirst)
            }
            for b in 0..<s.batch {
                let row = b * s.length * width
                dHidden.data[row..<(row + width)] = dFirst.data[(b * width)..<((b + 1) * width)]
            }
        case .mean:
            for b in 0..<s.batch {
                let tokens = (0..<s.length).filter { s.mask[b * s.length + $0] != 0 }
                let share = 1 / Float(max(1, tokens.count))
                for position in tokens {
                    let row = (b * s.length + position) * width
                    for k in 0..<width { dHidden.data[row + k] = share * grad.data[b * width + k] }
                }
            }
        }

        for layer in layers.reversed() { dHidden = layer.backward(dHidden) }
        embeddings.backward(dHidden)
    }

    /// Embeddings, then each layer, then the pooler (when present).
    public var parameters: [Parameter] {
        embeddings.parameters + layers.flatMap(\.parameters) + (pooler?.parameters ?? [])
    }

    /// The attention heads of every layer: Q, K, V row blocks and output-projection column
    /// blocks, one group per projection.
    public var maskableGroups: [MaskableGroup] {
        layers.flatMap { $0.maskableGroups(modality: modality) }
    }

    /// [CLS] rows, masked means, or the pooler of the [CLS] rows: [B·L, H] → [B, H].
    private func pool(_ hidden: Tensor, mask: [UInt8], batch: Int, length: Int) -> Tensor {
        let width = config.hiddenSize
        var features = Tensor(zeros: [batch, width])
        for b in 0..<batch {
            let target = b * width
            if pooling == .mean {
                let tokens = (0..<length).filter { mask[b * length + $0] != 0 }
                let share = 1 / Float(max(1, tokens.count))
                for position in tokens {
                    let row = (b * length + position) * width
                    for k in 0..<width { features.data[target + k] += hidden.data[row + k] }
                }
                for k in 0..<width { features.data[target + k] *= share }
            } else {
                let row = b * length * width
                features.data[target..<(target + width)] = hidden.data[row..<(row + width)]
            }
        }
        guard let pooler else { return features }
        var pooled = pooler.forward(features)
        for index in pooled.data.indices { pooled.data[index] = tanh(pooled.data[index]) }
        return pooled
    }

    private func check(tokens: [Int32], mask: [UInt8], types: [Int32], batch: Int,
                       length: Int) throws(TextEncoderError) {
        let count = batch * length
        for (what, actual) in [("tokens", tokens.count), ("attention mask", mask.count),
                               ("token types", types.count)] where actual != count {
            throw .shapeMismatch(what: what, count: actual, batch: batch, length: length)
        }
        guard length <= config.maxPositions else {
            throw .sequenceTooLong(length: length, maxPositions: config.maxPositions)
        }
        if let index = tokens.firstIndex(where: { $0 < 0 || Int($0) >= config.vocabularySize }) {
            throw .tokenOutOfRange(id: tokens[index], index: index,
                                   vocabularySize: config.vocabularySize)
        }
        if let index = types.firstIndex(where: { $0 < 0 || Int($0) >= config.tokenTypeCount }) {
            throw .tokenTypeOutOfRange(type: types[index], index: index,
                                       typeCount: config.tokenTypeCount)
        }
    }
}
