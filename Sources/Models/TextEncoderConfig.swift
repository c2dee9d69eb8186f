import Foundation

/// The shape of a BERT-architecture text encoder, named as in HuggingFace's `config.json`.
public struct TextEncoderConfig: Equatable, Codable {
    /// Rows of the word embedding (`vocab_size`).
    public var vocabularySize: Int
    /// The model width (`hidden_size`).
    public var hiddenSize: Int
    /// Encoder layers (`num_hidden_layers`).
    public var layerCount: Int
    /// Attention heads per layer (`num_attention_heads`).
    public var headCount: Int
    /// The feed-forward width (`intermediate_size`).
    public var intermediateSize: Int
    /// Rows of the position embedding, the longest sequence (`max_position_embeddings`).
    public var maxPositions: Int
    /// Rows of the token-type embedding (`type_vocab_size`).
    public var tokenTypeCount: Int
    /// The LayerNorm ε (`layer_norm_eps`).
    public var layerNormEpsilon: Float
    /// Dropout after the embeddings, attention output and feed-forward output
    /// (`hidden_dropout_prob`).
    public var hiddenDropout: Float
    /// Dropout on the attention probabilities (`attention_probs_dropout_prob`).
    public var attentionDropout: Float
    /// The [PAD] id, whose word-embedding row gets no gradient (`pad_token_id`).
    public var paddingID: Int
    /// σ of the N(0, σ²) initial weights (`initializer_range`).
    public var initializerRange: Float

    /// Makes a configuration; the defaults are BERT's.
    public init(vocabularySize: Int = 30_522, hiddenSize: Int = 768, layerCount: Int = 12,
                headCount: Int = 12, intermediateSize: Int = 3_072, maxPositions: Int = 512,
                tokenTypeCount: Int = 2, layerNormEpsilon: Float = 1e-12,
                hiddenDropout: Float = 0.1, attentionDropout: Float = 0.1, paddingID: Int = 0,
                initializerRange: Float = 0.02) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.tokenTypeCount = tokenTypeCount
        self.layerNormEpsilon = layerNormEpsilon
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
        self.paddingID = paddingID
        self.initializerRange = initializerRange
    }

    /// A small encoder to train from scratch: 2 layers, width 128, 4 heads, feed-forward 512.
    public static func small(vocabularySize: Int = 30_522, maxPositions: Int = 512)
        -> TextEncoderConfig {
        TextEncoderConfig(vocabularySize: vocabularySize, hiddenSize: 128, layerCount: 2,
                          headCount: 4, intermediateSize: 512, maxPositions: maxPositions)
    }

    private enum CodingKeys: String, CodingKey {
        case vocabularySize = "vocab_size", hiddenSize = "hidden_size"
        case layerCount = "num_hidden_layers", headCount = "num_attention_heads"
        case intermediateSize = "intermediate_size", maxPositions = "max_position_embeddings"
        case tokenTypeCount = "type_vocab_size", layerNormEpsilon = "layer_norm_eps"
        case hiddenDropout = "hidden_dropout_prob"
        case attentionDropout = "attention_probs_dropout_prob"
        case paddingID = "pad_token_id", initializerRange = "initializer_range"
    }

    /// The keys of a HuggingFace config that change the computation and must hold these values.
    private struct Architecture: Decodable {
        let hidden_act: String?
        let position_embedding_type: String?
        let model_type: String?
    }

    /// Reads a HuggingFace BERT `config.json`; missing numbers take BERT's defaults.
    ///
    /// Only `hidden_act` "gelu" (erf) and absolute positions are accepted.
    public init(contentsOfFile path: String) throws(WeightsError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileManager.default.fileExists(atPath: path)
                ? .unreadable(path: path, reason: "no permission or not a file")
                : .missingFile(path: path)
        }
        let architecture: Architecture
        do {
            architecture = try JSONDecoder().decode(Architecture.self, from: data)
            self = try JSONDecoder().decode(PartialConfig.self, from: data).filled
        } catch {
            throw .malformed(path: path, reason: "not a BERT config.json: \(error)")
        }

        if let act = architecture.hidden_act, act != "gelu" {
            throw .unsupportedConfig(path: path, reason: "hidden_act '\(act)' (only 'gelu', "
                                     + "the erf form, is implemented)")
        }
        if let kind = architecture.model_type, kind != "bert" {
            throw .unsupportedConfig(path: path, reason: "model_type '\(kind)' (only BERT-"
                                     + "architecture checkpoints, model_type 'bert')")
        }
        if let kind = architecture.position_embedding_type, kind != "absolute" {
            throw .unsupportedConfig(path: path, reason: "position_embedding_type '\(kind)'")
        }
        guard hiddenSize > 0, headCount > 0, hiddenSize % headCount == 0 else {
            throw .unsupportedConfig(path: path, reason: "hidden_size \(hiddenSize) is not a "
                                     + "multiple of num_attention_heads \(headCount)")
        }
        guard [vocabularySize, layerCount, intermediateSize, maxPositions, tokenTypeCount]
            .allSatisfy({ $0 > 0 }) else {
            throw .unsupportedConfig(path: path, reason: "a size is zero or negative")
        }
    }
}

/// A `config.json` whose every number may be absent (BERT's defaults fill the gaps).
private struct PartialConfig: Decodable {
    let vocab_size: Int?
    let hidden_size: Int?
    let num_hidden_layers: Int?
    let num_attention_heads: Int?
    let intermediate_size: Int?
    let max_position_embeddings: Int?
    let type_vocab_size: Int?
    let layer_norm_eps: Float?
    let hidden_dropout_prob: Float?
    let attention_probs_dropout_prob: Float?
    let pad_token_id: Int?
    let initializer_range: Float?

    var filled: TextEncoderConfig {
        let base = TextEncoderConfig()
        return TextEncoderConfig(
            vocabularySize: vocab_size ?? base.vocabularySize,
            hiddenSize: hidden_size ?? base.hiddenSize,
            layerCount: num_hidden_layers ?? base.layerCount,
            headCount: num_attention_heads ?? base.headCount,
            intermediateSize: intermediate_size ?? base.intermediateSize,
            maxPositions: max_position_embeddings ?? base.maxPositions,
            tokenTypeCount: type_vocab_size ?? base.tokenTypeCount,
            layerNormEpsilon: layer_norm_eps ?? base.layerNormEpsilon,
            hiddenDropout: hidden_dropout_prob ?? base.hiddenDropout,
            attentionDropout: attention_probs_dropout_prob ?? base.attentionDropout,
            paddingID: pad_token_id ?? base.paddingID,
            initializerRange: initializer_range ?? base.initializerRange)
    }
}
