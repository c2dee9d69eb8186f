import Tensor

/// BERT's input embeddings: word + position + token type, then LayerNorm and dropout.
///
/// Parameter names follow the HuggingFace layout under `name` (e.g. `text.embeddings`):
/// `word_embeddings`, `position_embeddings`, `token_type_embeddings`, `LayerNorm`.
public final class TextEmbeddings {
    /// Token id → vector [vocabulary, width]; the [PAD] row gets no gradient.
    public let words: Embedding
    /// Position 0..<maxPositions → vector.
    public let positions: Embedding
    /// Token type (segment) → vector.
    public let tokenTypes: Embedding
    /// The norm over the summed vectors.
    public let norm: LayerNorm

    /// The dropout after the normalization.
    let dropout: Dropout

    /// Makes the embeddings of `config`, every table N(0, initializerRange²).
    public init(name: String, config: TextEncoderConfig, generator: inout SeededGenerator) {
        let std = config.initializerRange
        words = Embedding(name: name + ".word_embeddings", count: config.vocabularySize,
                          width: config.hiddenSize, paddingIndex: config.paddingID,
                          standardDeviation: std, generator: &generator)
        positions = Embedding(name: name + ".position_embeddings", count: config.maxPositions,
                              width: config.hiddenSize, standardDeviation: std,
                              generator: &generator)
        tokenTypes = Embedding(name: name + ".token_type_embeddings",
                               count: config.tokenTypeCount, width: config.hiddenSize,
                               standardDeviation: std, generator: &generator)
        norm = LayerNorm(name: name + ".LayerNorm", width: config.hiddenSize,
                         epsilon: config.layerNormEpsilon)
        dropout = Dropout(probability: config.hiddenDropout, seed: generator.next())
    }

    /// ids [B·L] (L per sequence) and token types [B·L] → [B·L, width]; positions are
    /// 0..<L in every sequence. Ids must be rows of their tables (checked by the caller).
    public func forward(ids: [Int32], tokenTypes types: [Int32], length: Int,
                        training: Bool) -> Tensor {
        let positionIDs = (0..<ids.count).map { Int32($0 % max(1, length)) }
        var sum = words.forward(ids)
        let position = positions.forward(positionIDs), type = tokenTypes.forward(types)
        for index in sum.data.indices {
            sum.data[index] += position.data[index] + type.data[index]
        }
        return dropout.forward(norm.forward(sum), training: training)
    }

    /// Accumulates the three tables' and the norm's gradients from dy [B·L, width].
    public func backward(_ dy: Tensor) {
        let dSum = norm.backward(dropout.backward(dy))
        words.backward(dSum)
        positions.backward(dSum)
        tokenTypes.backward(dSum)
    }

    /// Word, position and token-type tables, then the norm.
    public var parameters: [Parameter] {
        words.parameters + positions.parameters + tokenTypes.parameters + norm.parameters
    }
}
