import Tensor

/// One BERT encoder layer (post-LN): attention → dropout → add & LayerNorm → intermediate
/// linear → GELU (erf) → output linear → dropout → add & LayerNorm.
///
/// Parameter names follow the HuggingFace layout under `name` (e.g. `text.encoder.layer.0`):
/// `attention.self.{query,key,value}`, `attention.output.{dense,LayerNorm}`,
/// `intermediate.dense`, `output.{dense,LayerNorm}`.
public final class TransformerLayer {
    /// Self-attention.
    public let attention: MultiHeadAttention
    /// The norm after the attention residual.
    public let attentionNorm: LayerNorm
    /// The expansion [intermediate, width].
    public let intermediate: Linear
    /// The projection back [width, intermediate].
    public let output: Linear
    /// The norm after the feed-forward residual.
    public let outputNorm: LayerNorm

    private let activation = GELU()
    private let attentionDropout: Dropout
    private let outputDropout: Dropout

    /// Makes a layer of `width` features, `heads` heads and an `intermediateWidth` feed-forward
    /// part; linear weights N(0, σ²) with σ = `standardDeviation` (nil: PyTorch's default).
    public init(name: String, width: Int, heads: Int, intermediateWidth: Int,
                hiddenDropout: Float, attentionDropout: Float, layerNormEpsilon: Float,
                standardDeviation: Float? = nil, generator: inout SeededGenerator) {
        attention = MultiHeadAttention(name: name + ".attention", width: width, heads: heads,
                                       dropout: attentionDropout,
                                       standardDeviation: standardDeviation,
                                       generator: &generator)
        attentionNorm = LayerNorm(name: name + ".attention.output.LayerNorm", width: width,
                                  epsilon: layerNormEpsilon)
        intermediate = Linear(name: name + ".intermediate.dense", inFeatures: width,
                              outFeatures: intermediateWidth,
                              standardDeviation: standardDeviation, generator: &generator)
        output = Linear(name: name + ".output.dense", inFeatures: intermediateWidth,
                        outFeatures: width, standardDeviation: standardDeviation,
                        generator: &generator)
        outputNorm = LayerNorm(name: name + ".output.LayerNorm", width: width,
                               epsilon: layerNormEpsilon)
        self.attentionDropout = Dropout(probability: hiddenDropout, seed: generator.next())
        outputDropout = Dropout(probability: hiddenDropout, seed: generator.next())
    }

    /// x [B·L, width] → [B·L, width] with the additive key mask [B·L] (see
    /// `MultiHeadAttention.additiveMask`).
    public func forward(_ x: Tensor, additiveMask: [Float], batch: Int, length: Int,
                        training: Bool) -> Tensor {
        let attended = attention.forward(x, additiveMask: additiveMask, batch: batch,
                                         length: length, training: training)
        let hidden = attentionNorm.forward(
            adding(attentionDropout.forward(attended, training: training), x))

        let expanded = activation.forward(intermediate.forward(hidden))
        let projected = outputDropout.forward(output.forward(expanded), training: training)
        return outputNorm.forward(adding(projected, hidden))
    }

    /// Accumulates every parameter's gradient from dy [B·L, width]; returns dx.
    public func backward(_ dy: Tensor) -> Tensor {
        let dSecondSum = outputNorm.backward(dy)
        let dExpanded = output.backward(outputDropout.backward(dSecondSum))
        let dHidden = adding(intermediate.backward(activation.backward(dExpanded)), dSecondSum)

        let dFirstSum = attentionNorm.backward(dHidden)
        let dInput = attention.backward(attentionDropout.backward(dFirstSum))
        return adding(dInput, dFirstSum)
    }

    /// Attention, its norm, the feed-forward linears and the output norm, in that order.
    public var parameters: [Parameter] {
        attention.parameters + attentionNorm.parameters + intermediate.parameters
            + output.parameters + outputNorm.parameters
    }

    /// The dropout layers, in a fixed order.
    var dropouts: [Dropout] { [attention.probabilityDropout, attentionDropout, outputDropout] }

    /// The attention heads (see `MultiHeadAttention.maskableGroups`).
    public func maskableGroups(modality: Int) -> [MaskableGroup] {
        attention.maskableGroups(modality: modality)
    }

    private func adding(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "residual: \(a.shape) + \(b.shape)")
        var sum = a
        for index in sum.data.indices { sum.data[index] += b.data[index] }
        return sum
    }
}
