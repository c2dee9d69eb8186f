import Text

/// The text stage: WordPiece ids of a sample's text laid out to a fixed length.
///
/// Each instance owns a tokenizer copy (with its own buffers); give every thread its own.
struct TextStage {
    private var tokenizer: BertTokenizer
    private let layout: SequenceLayout
    private let length: Int

    /// A stage over `vocabulary` with the switches, layout and length of `config`.
    init(config: TextConfig, vocabulary: Vocabulary) {
        tokenizer = BertTokenizer(vocabulary: vocabulary, options: config.options)
        layout = config.mode
        length = config.maxLength
    }

    /// `text` as `length` ids and mask values (cut and padded as the layout says).
    mutating func encode(_ text: String) -> EncodedText {
        tokenizer.encode(text, layout: layout, maxLength: length)
    }
}
