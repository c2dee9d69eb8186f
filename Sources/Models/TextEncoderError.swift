/// Why a batch of token sequences cannot go through a text encoder.
public enum TextEncoderError: Error, Equatable, CustomStringConvertible {
    /// The ids, mask or token types do not hold `batch`·`length` values.
    case shapeMismatch(what: String, count: Int, batch: Int, length: Int)
    /// A sequence is longer than the position table.
    case sequenceTooLong(length: Int, maxPositions: Int)
    /// A token id is not a row of the word embedding (a vocabulary of another model?).
    case tokenOutOfRange(id: Int32, index: Int, vocabularySize: Int)
    /// A token type is not a row of the token-type embedding.
    case tokenTypeOutOfRange(type: Int32, index: Int, typeCount: Int)

    /// One line saying what is wrong.
    public var description: String {
        switch self {
        case .shapeMismatch(let what, let count, let batch, let length):
            return "\(what) holds \(count) values, expected batch \(batch) × length \(length)"
        case .sequenceTooLong(let length, let maxPositions):
            return "sequences of \(length) tokens exceed the \(maxPositions) positions"
        case .tokenOutOfRange(let id, let index, let vocabularySize):
            return "token id \(id) at index \(index) is outside the vocabulary of "
                + "\(vocabularySize) (was the text tokenized with another vocabulary?)"
        case .tokenTypeOutOfRange(let type, let index, let typeCount):
            return "token type \(type) at index \(index) is outside 0..<\(typeCount)"
        }
    }
}
