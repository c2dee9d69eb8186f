/// An open-addressing hash table from token bytes to ids, over a vocabulary's byte storage.
///
/// Each slot packs a 32-bit hash tag and the id; a lookup compares bytes only when the tag
/// matches. The hash is FNV-1a over the key bytes followed by a 64-bit mixer, so that word
/// piece matching can hash every prefix of a word in one pass (`HashedTokenTable.step`).
struct HashedTokenTable: Sendable {
    /// The FNV-1a offset basis.
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    private static let empty = UInt64.max

    /// The slots: `tag << 32 | id`, or `empty`.
    private(set) var slots: [UInt64]
    /// `slots.count - 1` (a power of two minus one).
    let mask: Int
    /// How many leading bytes of a token are not part of its key (2 for `##`, else 0).
    let skip: Int
    /// The longest key in bytes.
    private(set) var longestKey = 0

    /// Builds the table of every token (`skip == 0`) or of every `##` token (`skip == 2`).
    init(bytes: [UInt8], offsets: [Int32], skip: Int) {
        self.skip = skip
        let tokenCount = offsets.count - 1
        var size = 16
        while size < tokenCount * 2 { size <<= 1 }
        mask = size - 1
        slots = [UInt64](repeating: Self.empty, count: size)
        bytes.withUnsafeBufferPointer { all in
            offsets.withUnsafeBufferPointer { starts in
                for id in 0..<tokenCount {
                    let start = Int(starts[id])
                    let length = Int(starts[id + 1]) - start
                    if skip == 2, length < 2 || all[start] != 0x23 || all[start + 1] != 0x23 {
                        continue
                    }
                    insert(id: Int32(id), all.baseAddress.map { $0 + start + skip },
                           count: length - skip, all: all, starts: starts)
                }
            }
        }
    }

    /// One FNV-1a step.
    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// The final mix of an FNV-1a state, giving slot index bits and tag bits.
    @inline(__always)
    static func finish(_ hash: UInt64) -> UInt64 {
        var mixed = hash
        mixed ^= mixed >> 31
        mixed &*= 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 29
        return mixed
    }

    /// The hash of a whole key.
    static func hash(_ key: UnsafePointer<UInt8>?, count: Int) -> UInt64 {
        var state = seed
        for index in 0..<count { state = step(state, key.map { $0[index] } ?? 0) }
        return finish(state)
    }

    /// Inserts or replaces (a repeated token keeps the later id).
    private mutating func insert(id: Int32, _ key: UnsafePointer<UInt8>?, count: Int,
                                 all: UnsafeBufferPointer<UInt8>,
                                 starts: UnsafeBufferPointer<Int32>) {
        let hashed = Self.hash(key, count: count)
        let tag = hashed >> 32
        var index = Int(truncatingIfNeeded: hashed) & mask
        while slots[index] != Self.empty {
            let slot = slots[index]
            if slot >> 32 == tag {
                let other = Int(Int32(truncatingIfNeeded: slot))
                let start = Int(starts[other]) + skip
                let length = Int(starts[other + 1]) - start
                if length == count, Self.equal(key, all.baseAddress.map { $0 + start }, count) {
                    slots[index] = tag << 32 | UInt64(UInt32(bitPattern: id))
                    return
                }
            }
            index = (index + 1) & mask
        }
        slots[index] = tag << 32 | UInt64(UInt32(bitPattern: id))
        longestKey = max(longestKey, count)
    }

    /// A pointer view over this table and the vocabulary storage it indexes.
    func view(_ slots: UnsafeBufferPointer<UInt64>, _ bytes: UnsafeBufferPointer<UInt8>,
              _ starts: UnsafeBufferPointer<Int32>) -> TokenTableView? {
        guard let slotBase = slots.baseAddress, let byteBase = bytes.baseAddress,
              let startBase = starts.baseAddress else { return nil }
        return TokenTableView(slots: slotBase, mask: mask, skip: skip, longestKey: longestKey,
                              bytes: byteBase, starts: startBase)
    }

    /// Byte equality of two keys of `count` bytes.
    @inline(__always)
    static func equal(_ left: UnsafePointer<UInt8>?, _ right: UnsafePointer<UInt8>?,
                      _ count: Int) -> Bool {
        guard count > 0 else { return true }
        guard let left, let right else { return false }
        for index in 0..<count where left[index] != right[index] { return false }
        return true
    }
}

/// A borrowed, pointer-based view of one `HashedTokenTable` for the hot lookup loop.
struct TokenTableView {
    let slots: UnsafePointer<UInt64>
    let mask: Int
    let skip: Int
    let longestKey: Int
    let bytes: UnsafePointer<UInt8>
    let starts: UnsafePointer<Int32>

    /// The id whose key is `key[0..<count]`, given the finished hash of those bytes.
    @inline(__always)
    func find(_ key: UnsafePointer<UInt8>, count: Int, hash: UInt64) -> Int32? {
        let tag = hash >> 32
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot == UInt64.max { return nil }
            if slot >> 32 == tag {
                let id = Int32(truncatingIfNeeded: slot)
                let start = Int(starts[Int(id)]) + skip
                if Int(starts[Int(id) + 1]) - start == count,
                   HashedTokenTable.equal(key, bytes + start, count) {
                    return id
                }
            }
            index = (index + 1) & mask
        }
    }
}

/// Pointer views of a vocabulary's two tables, for one tokenization call.
struct VocabularyLookup {
    /// Every token.
    let words: TokenTableView
    /// `##` tokens by the bytes after `##`.
    let continuations: TokenTableView
    /// The id of each one-byte ASCII token (or `[UNK]`), 128 entries.
    let singleByteIDs: UnsafePointer<Int32>
    /// The id of `[UNK]`.
    let unknownID: Int32
}
