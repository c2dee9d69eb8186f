/// The basic tokenizer's switches, named and defaulted as in HuggingFace's `BertTokenizer`.
public struct TokenizerOptions: Sendable, Equatable, Hashable, Codable {
    /// Lower-case every word (`do_lower_case`, default true: uncased vocabularies).
    public var doLowerCase: Bool
    /// Strip accents (NFD, then drop Mn) (`strip_accents`); nil follows `doLowerCase`.
    public var stripAccents: Bool?
    /// Put spaces around CJK ideographs (`tokenize_chinese_chars`, default true).
    public var tokenizeChineseChars: Bool

    /// The options; the defaults are those of bert-base-uncased.
    public init(doLowerCase: Bool = true, stripAccents: Bool? = nil,
                tokenizeChineseChars: Bool = true) {
        self.doLowerCase = doLowerCase
        self.stripAccents = stripAccents
        self.tokenizeChineseChars = tokenizeChineseChars
    }

    /// Whether accents are stripped: `stripAccents`, or `doLowerCase` when that is nil.
    public var stripsAccents: Bool { stripAccents ?? doLowerCase }
}
