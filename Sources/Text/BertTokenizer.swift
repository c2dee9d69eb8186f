import Foundation

/// BERT's WordPiece tokenizer, identical to the reference's pure-Python `BertTokenizer`.
///
/// The text is first cut at the special tokens `[UNK] [SEP] [PAD] [CLS] [MASK]` written
/// exactly (each becomes its id); every other stretch goes through `BasicTokenizer` and each of
/// its words through `WordPiece`. Input is UTF-8 bytes; ill-formed sequences become U+FFFD,
/// which cleaning removes (as decoding with `errors='replace'` and tokenizing would).
///
/// The value keeps reusable buffers, hence the `mutating` methods; give every thread its own
/// copy.
// LIMITATION: only the five BERT special tokens act as added tokens; the reference's
// `never_split` lists, user-added tokens and `do_basic_tokenize=False` are not offered — no
// dataset or model here uses them, and each would need its own reference fixtures.
public struct BertTokenizer: Sendable {
    /// The vocabulary.
    public let vocabulary: Vocabulary
    /// The basic tokenizer's switches.
    public let options: TokenizerOptions
    private var basic: BasicTokenizer
    /// The lookup cache, copied on write so that every copy of the tokenizer has its own.
    private var cache = PinnedBuffer(repeating: TokenSlot.empty,
                                     count: VocabularyLookup.cacheSize)

    /// A tokenizer over `vocabulary`.
    public init(vocabulary: Vocabulary, options: TokenizerOptions = TokenizerOptions()) {
        self.vocabulary = vocabulary
        self.options = options
        basic = BasicTokenizer(options: options)
    }

    /// A tokenizer over the vocabulary file at `path`.
    public init(vocabularyFile path: String,
                options: TokenizerOptions = TokenizerOptions()) throws(TextError) {
        self.init(vocabulary: try Vocabulary(contentsOfFile: path), options: options)
    }

    /// The word-piece ids of `text`, without `[CLS]`/`[SEP]`.
    public mutating func pieceIDs(for text: String) -> [Int32] {
        var ids: [Int32] = []
        var copy = text
        copy.withUTF8 { appendPieceIDs(utf8: $0, to: &ids) }
        return ids
    }

    /// Appends the word-piece ids of the UTF-8 bytes `text` to `ids`, without `[CLS]`/`[SEP]`.
    public mutating func appendPieceIDs(utf8 text: UnsafeBufferPointer<UInt8>,
                                        to ids: inout [Int32]) {
        if !isKnownUniquelyReferenced(&cache) {
            cache = PinnedBuffer(repeating: TokenSlot.empty, count: VocabularyLookup.cacheSize)
        }
        withExtendedLifetime((vocabulary, cache)) {
            var sink = IDSink(lookup: vocabulary.lookup(cache: cache))
            swap(&sink.ids, &ids)
            splitAtSpecialTokens(text, into: &sink)
            swap(&sink.ids, &ids)
        }
    }

    /// `text` laid out for a model: specials, truncation and padding as `layout` says.
    public mutating func encode(_ text: String, layout: SequenceLayout = .huggingFace,
                                maxLength: Int? = nil) -> EncodedText {
        layout.arrange(pieceIDs(for: text), maxLength: maxLength, vocabulary: vocabulary)
    }

    /// Hands every basic-tokenizer word of `text` to `body` (special tokens not cut out),
    /// as the reference's `BasicTokenizer.tokenize(text, never_split=specials)` lists them.
    public mutating func forEachBasicWord(utf8 text: UnsafeBufferPointer<UInt8>,
                                          _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        withoutActuallyEscaping(body) { escapable in
            var sink = ClosureSink(body: escapable)
            basic.tokenize(text, into: &sink)
        }
    }

    /// Cuts out exact special tokens; tokenizes the stretches between them.
    private mutating func splitAtSpecialTokens(_ text: UnsafeBufferPointer<UInt8>,
                                               into sink: inout IDSink) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        var segmentStart = 0
        var index = 0
        while index < count {
            guard let found = memchr(base + index, 0x5B, count - index) else { break }
            index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard let (special, length) = Self.special(at: index, base, count) else {
                index += 1
                continue
            }
            if index > segmentStart {
                basic.tokenize(UnsafeBufferPointer(rebasing: text[segmentStart..<index]),
                               into: &sink)
            }
            sink.ids.append(vocabulary.specialIDs[special])
            index += length
            segmentStart = index
        }
        if segmentStart < count {
            basic.tokenize(UnsafeBufferPointer(rebasing: text[segmentStart...]), into: &sink)
        }
    }

    /// The special token spelled at `base[index]` (a `[`), as (index in names, byte length).
    @inline(__always)
    private static func special(at index: Int, _ base: UnsafePointer<UInt8>,
                                _ count: Int) -> (Int, Int)? {
        for (number, name) in specialBytes.enumerated() where index + name.count <= count {
            var same = true
            for offset in 1..<name.count where base[index + offset] != name[offset] {
                same = false
                break
            }
            if same { return (number, name.count) }
        }
        return nil
    }

    private static let specialBytes = Vocabulary.specialTokenNames.map { Array($0.utf8) }
}

/// Turns words into ids.
private struct IDSink: WordSink {
    let lookup: VocabularyLookup
    var ids: [Int32] = []

    mutating func take(_ word: UnsafeBufferPointer<UInt8>) {
        WordPiece.appendIDs(of: word, lookup, to: &ids)
    }
}

/// Hands words to a closure.
private struct ClosureSink: WordSink {
    let body: (UnsafeBufferPointer<UInt8>) -> Void

    mutating func take(_ word: UnsafeBufferPointer<UInt8>) { body(word) }
}
