import Foundation

/// A BERT `vocab.txt`: one token per line, the line number is the id.
///
/// Tokens are keyed by their exact UTF-8 bytes, so canonically equivalent spellings stay
/// distinct entries. Lines end at LF, CRLF or a lone CR (as Python's text-mode `readlines`
/// reads them); a repeated token keeps its last line number, as the reference's dictionary
/// does. The special tokens `[UNK] [SEP] [PAD] [CLS] [MASK]` that the file lacks get the ids
/// after its last line, in that order, as the reference tokenizer adds them.
public final class Vocabulary: Sendable {
    /// The names of the special tokens, in the order the reference adds missing ones.
    public static let specialTokenNames = ["[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"]

    /// Where the vocabulary was read from.
    public let path: String
    /// The number of lines (ids `0..<count` come from the file).
    public let count: Int
    /// The id of `[UNK]`.
    public let unknownID: Int32
    /// The id of `[CLS]`.
    public let classID: Int32
    /// The id of `[SEP]`.
    public let separatorID: Int32
    /// The id of `[PAD]`.
    public let paddingID: Int32
    /// The id of `[MASK]`.
    public let maskID: Int32
    /// The ids of the special tokens, in `specialTokenNames` order.
    let specialIDs: [Int32]

    /// Every token's bytes, back to back; token `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
    private let bytes: [UInt8]
    private let offsets: [Int32]
    /// Every token, by its bytes.
    private let words: HashedTokenTable
    /// The id of each one-byte ASCII token, or `unknownID`.
    private let singleByteIDs: [Int32]
    /// Pinned copies of the storage, the two tables and the one-byte ids, for `lookup`.
    private let pinnedBytes: PinnedBuffer<UInt8>
    private let pinnedStarts: PinnedBuffer<Int32>
    private let pinnedWords: PinnedBuffer<TokenSlot>
    private let pinnedContinuations: PinnedBuffer<TokenSlot>
    private let pinnedSingleByteIDs: PinnedBuffer<Int32>
    private let wordShape: HashedTokenTable
    private let continuationShape: HashedTokenTable

    /// Reads a vocabulary file.
    ///
    /// - Throws: `TextError` naming the file when it cannot be read, is empty, or is not UTF-8.
    public convenience init(contentsOfFile path: String) throws(TextError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TextError(path: path, reason: "no such vocabulary file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TextError(path: path, reason: "cannot read the vocabulary file")
        }
        try self.init(fileBytes: [UInt8](data), path: path)
    }

    /// Parses the bytes of a vocabulary file; `path` is only used in messages.
    public init(fileBytes: [UInt8], path: String) throws(TextError) {
        self.path = path
        guard String(validating: fileBytes, as: UTF8.self) != nil else {
            throw TextError(path: path, reason: "not UTF-8 text (line "
                            + "\(Self.firstInvalidLine(fileBytes)))")
        }
        var offsets: [Int32] = [0]
        var tokens: [UInt8] = []
        tokens.reserveCapacity(fileBytes.count)
        var index = 0
        while index < fileBytes.count {
            let byte = fileBytes[index]
            index += 1
            if byte == 0x0A || byte == 0x0D {
                if byte == 0x0D, index < fileBytes.count, fileBytes[index] == 0x0A { index += 1 }
                offsets.append(Int32(tokens.count))
            } else {
                tokens.append(byte)
            }
        }
        if let last = fileBytes.last, last != 0x0A, last != 0x0D {
            offsets.append(Int32(tokens.count))
        }
        guard offsets.count > 1 else {
            throw TextError(path: path, reason: "the vocabulary file holds no tokens")
        }
        guard offsets.count <= Int(Int32.max / 2) else {
            throw TextError(path: path, reason: "too many tokens")
        }
        tokens.append(0)  // a sentinel, so that the storage is never empty
        bytes = tokens
        self.offsets = offsets
        count = offsets.count - 1
        let words = HashedTokenTable(bytes: tokens, offsets: offsets, skip: 0)
        let continuations = HashedTokenTable(bytes: tokens, offsets: offsets, skip: 2)
        self.words = words
        wordShape = words
        continuationShape = continuations
        pinnedBytes = PinnedBuffer(tokens, filler: 0)
        pinnedStarts = PinnedBuffer(offsets, filler: 0)
        pinnedWords = PinnedBuffer(words.slots, filler: .empty)
        pinnedContinuations = PinnedBuffer(continuations.slots, filler: .empty)

        var next = Int32(count)
        var specials: [Int32] = []
        for name in Self.specialTokenNames {
            if let found = Self.find(Array(name.utf8), words, tokens, offsets) {
                specials.append(found)
            } else {
                specials.append(next)
                next += 1
            }
        }
        specialIDs = specials
        unknownID = specials[0]
        separatorID = specials[1]
        paddingID = specials[2]
        classID = specials[3]
        maskID = specials[4]

        var single = [Int32](repeating: specials[0], count: 128)
        for byte in 0..<128 {
            if let found = Self.find([UInt8(byte)], words, tokens, offsets) {
                single[byte] = found
            }
        }
        singleByteIDs = single
        pinnedSingleByteIDs = PinnedBuffer(single, filler: specials[0])
    }

    /// The id of a token given as its exact text, if the file has it.
    public func id(of token: String) -> Int32? {
        Self.find(Array(token.utf8), words, bytes, offsets)
    }

    /// The text of an id (special tokens the file lacks included), or nil when out of range.
    public func token(for id: Int32) -> String? {
        if let special = specialIDs.firstIndex(of: id), id >= Int32(count) {
            return Self.specialTokenNames[special]
        }
        guard id >= 0, Int(id) < count else { return nil }
        let slice = bytes[Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])]
        return String(decoding: slice, as: UTF8.self)
    }

    /// Pointer views of the two tables and the one-byte ids, with `cache` (a power-of-two
    /// number of slots, all `.empty` at first) as lookup cache. The pointers are valid while
    /// this vocabulary is alive.
    func lookup(cache: PinnedBuffer<TokenSlot>) -> VocabularyLookup {
        let bytes = UnsafePointer(pinnedBytes.start)
        let starts = UnsafePointer(pinnedStarts.start)
        return VocabularyLookup(
            words: wordShape.view(UnsafePointer(pinnedWords.start), bytes, starts),
            continuations: continuationShape.view(UnsafePointer(pinnedContinuations.start),
                                                  bytes, starts),
            singleByteIDs: UnsafePointer(pinnedSingleByteIDs.start), unknownID: unknownID,
            cache: cache.start, cacheMask: cache.count - 1)
    }

    /// The id of `key` in `table` (used while building, before the views exist).
    private static func find(_ key: [UInt8], _ table: HashedTokenTable, _ bytes: [UInt8],
                             _ offsets: [Int32]) -> Int32? {
        bytes.withUnsafeBufferPointer { storage in
            offsets.withUnsafeBufferPointer { starts in
                table.slots.withUnsafeBufferPointer { slots in
                    (key + [0]).withUnsafeBufferPointer { padded in
                        guard let slotBase = slots.baseAddress, let byteBase = storage.baseAddress,
                              let startBase = starts.baseAddress,
                              let base = padded.baseAddress else { return nil }
                        let view = table.view(slotBase, byteBase, startBase)
                        let hash = HashedTokenTable.hash(base, count: key.count)
                        return view.find(base, count: key.count, hash: hash,
                                         prefix: TokenSlot.prefix(base, count: key.count))
                    }
                }
            }
        }
    }

    /// The 1-based number of the first line that is not valid UTF-8.
    private static func firstInvalidLine(_ data: [UInt8]) -> Int {
        var line = 1
        var start = 0
        for index in 0...data.count where index == data.count || data[index] == 0x0A {
            if String(validating: data[start..<index], as: UTF8.self) == nil { return line }
            line += 1
            start = index + 1
        }
        return line
    }
}
