import Cache
import Foundation
import Text

/// The text stage: which WordPiece vocabulary, how long a sequence and how it is laid out.
///
/// `vocab` is the vocabulary file (a BERT `vocab.txt`; `prep --vocab` overrides it); prep
/// records its SHA-256 in `vocab_sha256`, which the config key hashes instead of the path, so
/// moving the file keeps the cache and changing its content does not. A config file that sets
/// `vocab_sha256` pins the vocabulary: prep fails when the file's digest differs.
public struct TextConfig: Codable, Equatable, Sendable {
    /// The vocabulary file (`vocab`); empty until given.
    public var vocab: String
    /// The SHA-256 of the vocabulary file (`vocab_sha256`); empty until prep has read it.
    public var vocabSHA256: String
    /// The sequence length L of `tokens` and `attention_mask` (`max_length`), 128 by default.
    public var maxLength: Int
    /// The layout (`mode`): `hf` (`[CLS] … [SEP]`, cut, `[PAD]`; default) or `reference`
    /// (the pieces alone, cut, 0).
    public var mode: SequenceLayout
    /// Lower-case before WordPiece (`do_lower_case`), true by default (uncased vocabularies).
    public var doLowerCase: Bool
    /// Strip accents (`strip_accents`); null follows `do_lower_case`.
    public var stripAccents: Bool?
    /// Space out CJK ideographs (`tokenize_chinese_chars`), true by default.
    public var tokenizeChineseChars: Bool

    /// The defaults of bert-base-uncased with 128 tokens in HF's layout, no vocabulary yet.
    public init() {
        vocab = ""
        vocabSHA256 = ""
        maxLength = 128
        mode = .huggingFace
        doLowerCase = true
        stripAccents = nil
        tokenizeChineseChars = true
    }

    /// The basic tokenizer's switches.
    public var options: TokenizerOptions {
        TokenizerOptions(doLowerCase: doLowerCase, stripAccents: stripAccents,
                         tokenizeChineseChars: tokenizeChineseChars)
    }

    /// A description of what is wrong with the values, or nil when they are usable.
    public var problem: String? {
        if maxLength < 2 || maxLength > 65_536 {
            return "text.max_length must lie in 2…65536, found \(maxLength)"
        }
        if !vocabSHA256.isEmpty && !Self.isDigest(vocabSHA256) {
            return "text.vocab_sha256 must be 64 lower-case hex digits"
        }
        return nil
    }

    /// The configuration with `vocab` set to `file` (when given) as an absolute path and
    /// `vocab_sha256` to the file's digest. Throws `missing-vocab` when no file is named or it
    /// cannot be read, and `vocab-mismatch` when a pinned digest differs.
    public func resolvingVocabulary(_ file: String?, configPath: String) throws -> TextConfig {
        var resolved = self
        if let file { resolved.vocab = file }
        guard !resolved.vocab.isEmpty else {
            throw PipelineError(path: configPath, code: "missing-vocab",
                                reason: "the text stage needs a WordPiece vocabulary: pass "
                                    + "--vocab FILE (a BERT vocab.txt) or set text.vocab")
        }
        var status = stat()
        guard stat(resolved.vocab, &status) == 0 else {
            throw PipelineError(path: resolved.vocab, code: "missing-vocab",
                                reason: "no vocabulary file there (pass --vocab FILE with a BERT "
                                    + "vocab.txt)")
        }
        // A FIFO or a device such as /dev/zero would be hashed for ever.
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw PipelineError(path: resolved.vocab, code: "missing-vocab",
                                reason: "not a regular file (pass --vocab FILE with a BERT "
                                    + "vocab.txt)")
        }
        let digest: String
        do {
            digest = try SHA256.hex(ofFile: resolved.vocab)
        } catch {
            throw PipelineError(path: resolved.vocab, code: "missing-vocab",
                                reason: "cannot read the vocabulary file (pass --vocab FILE "
                                    + "with a BERT vocab.txt)")
        }
        if !vocabSHA256.isEmpty && vocabSHA256 != digest {
            throw PipelineError(path: resolved.vocab, code: "vocab-mismatch",
                                reason: "the vocabulary's SHA-256 is \(digest), the config "
                                    + "pins \(vocabSHA256)")
        }
        resolved.vocab = URL(fileURLWithPath: resolved.vocab).standardizedFileURL.path
        resolved.vocabSHA256 = digest
        return resolved
    }

    private static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy {
            (0x30...0x39).contains($0) || (0x61...0x66).contains($0)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case vocab
        case vocabSHA256 = "vocab_sha256"
        case maxLength = "max_length"
        case mode
        case doLowerCase = "do_lower_case"
        case stripAccents = "strip_accents"
        case tokenizeChineseChars = "tokenize_chinese_chars"
    }

    /// Decodes snake_case keys; a missing key keeps its default.
    public init(from decoder: Decoder) throws {
        self.init()
        let values = try decoder.container(keyedBy: CodingKeys.self)
        vocab = try values.decodeIfPresent(String.self, forKey: .vocab) ?? vocab
        vocabSHA256 = try values.decodeIfPresent(String.self, forKey: .vocabSHA256) ?? ""
        maxLength = try values.decodeIfPresent(Int.self, forKey: .maxLength) ?? maxLength
        if let text = try values.decodeIfPresent(String.self, forKey: .mode) {
            guard let layout = SequenceLayout(rawValue: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .mode, in: values, debugDescription: "unknown text mode \"\(text)\", "
                        + "expected one of \(SequenceLayout.allCases.map(\.rawValue))")
            }
            mode = layout
        }
        doLowerCase = try values.decodeIfPresent(Bool.self, forKey: .doLowerCase) ?? doLowerCase
        stripAccents = try values.decodeIfPresent(Bool.self, forKey: .stripAccents)
        tokenizeChineseChars = try values.decodeIfPresent(Bool.self,
                                                          forKey: .tokenizeChineseChars)
            ?? tokenizeChineseChars
    }

    /// Encodes every key, snake_case (`strip_accents` as null when it follows lower-casing).
    public func encode(to encoder: Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(vocab, forKey: .vocab)
        try values.encode(vocabSHA256, forKey: .vocabSHA256)
        try values.encode(maxLength, forKey: .maxLength)
        try values.encode(mode.rawValue, forKey: .mode)
        try values.encode(doLowerCase, forKey: .doLowerCase)
        if let stripAccents {
            try values.encode(stripAccents, forKey: .stripAccents)
        } else {
            try values.encodeNil(forKey: .stripAccents)
        }
        try values.encode(tokenizeChineseChars, forKey: .tokenizeChineseChars)
    }
}
