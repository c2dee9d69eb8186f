/// One slot of a `HashedTokenTable`: the key's first 8 bytes inline, so that most lookups read
/// one cache line.
struct TokenSlot: Sendable {
    /// The first (up to) 8 key bytes, little-endian, zero-padded.
    var prefix: UInt64
    /// The token id.
    var id: Int32
    /// The key length in bytes, or `UInt16.max` for an empty slot.
    var length: UInt16
    /// The top 16 bits of the key's hash.
    var tag: UInt16

    /// The empty slot.
    static let empty = TokenSlot(prefix: 0, id: -1, length: UInt16.max, tag: 0)

    /// The first `min(count, 8)` bytes at `key`, little-endian, zero-padded.
    @inline(__always)
    static func prefix(_ key: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<min(count, 8) { value |= UInt64(key[index]) << (8 * UInt64(index)) }
        return value
    }
}

/// An open-addressing hash table from token bytes to ids, over a vocabulary's byte storage.
///
/// Each slot holds the id, the key length, a 16-bit hash tag and the first 8 key bytes; only
/// keys longer than 8 bytes need the vocabulary storage to be compared. The hash is FNV-1a over
/// the key bytes followed by a 64-bit mixer, so that word-piece matching can hash every prefix
/// of a word in one pass (`HashedTokenTable.step`).
struct HashedTokenTable: Sendable {
    /// The FNV-1a offset basis.
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    /// The slots.
    private(set) var slots: [TokenSlot]
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
        let ids = (0..<tokenCount).filter { id in
            let start = Int(offsets[id])
            let length = Int(offsets[id + 1]) - start
            return skip == 0 || (length >= 2 && bytes[start] == 0x23 && bytes[start + 1] == 0x23)
        }
        var size = 16
        while size < ids.count * 2 { size <<= 1 }
        mask = size - 1
        slots = [TokenSlot](repeating: .empty, count: size)
        bytes.withUnsafeBufferPointer { all in
            offsets.withUnsafeBufferPointer { starts in
                for id in ids {
                    let start = Int(starts[id])
                    let length = Int(starts[id + 1]) - start
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
        let prefix = key.map { TokenSlot.prefix($0, count: count) } ?? 0
        let slot = TokenSlot(prefix: prefix, id: id, length: UInt16(min(count, 0xFFFE)),
                             tag: UInt16(truncatingIfNeeded: hashed >> 48))
        var index = Int(truncatingIfNeeded: hashed) & mask
        while slots[index].length != TokenSlot.empty.length {
            let other = slots[index]
            if other.tag == slot.tag, other.length == slot.length, other.prefix == prefix {
                let start = Int(starts[Int(other.id)]) + skip
                if Self.equal(key, all.baseAddress.map { $0 + start }, count) {
                    slots[index] = slot
                    return
                }
            }
            index = (index + 1) & mask
        }
        slots[index] = slot
        longestKey = max(longestKey, count)
    }

    /// A pointer view over this table's slots (or a pinned copy of them) and the vocabulary
    /// storage it indexes.
    func view(_ slots: UnsafePointer<TokenSlot>, _ bytes: UnsafePointer<UInt8>,
              _ starts: UnsafePointer<Int32>) -> TokenTableView {
        TokenTableView(slots: slots, mask: mask, skip: skip, longestKey: longestKey,
                       bytes: bytes, starts: starts)
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
    let slots: UnsafePointer<TokenSlot>
    let mask: Int
    let skip: Int
    let longestKey: Int
    let bytes: UnsafePointer<UInt8>
    let starts: UnsafePointer<Int32>

    /// The id whose key is `key[0..<count]`, given the finished hash of those bytes and
    /// their `TokenSlot.prefix`.
    @inline(__always)
    func find(_ key: UnsafePointer<UInt8>, count: Int, hash: UInt64, prefix: UInt64) -> Int32? {
        let tag = UInt16(truncatingIfNeeded: hash >> 48)
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot.length == TokenSlot.empty.length { return nil }
            if slot.tag == tag, Int(slot.length) == count, slot.prefix == prefix {
                if count <= 8 { return slot.id }
                let start = Int(starts[Int(slot.id)]) + skip
                if HashedTokenTable.equal(key + 8, bytes + start + 8, count - 8) {
                    return slot.id
                }
            }
            index = (index + 1) & mask
        }
    }
}

/// Pointer views of a vocabulary's two tables, for one tokenization call, and a small
/// direct-mapped cache of recent lookups (keys of at most 8 bytes, found or not) that keeps the
/// frequent words out of the large tables.
struct VocabularyLookup {
    /// Every token.
    let words: TokenTableView
    /// `##` tokens by the bytes after `##`.
    let continuations: TokenTableView
    /// The id of each one-byte ASCII token (or `[UNK]`), 128 entries.
    let singleByteIDs: UnsafePointer<Int32>
    /// The id of `[UNK]`.
    let unknownID: Int32
    /// The cache: `cacheMask + 1` slots; id -1 records a key known to be absent.
    let cache: UnsafeMutablePointer<TokenSlot>
    /// The number of cache slots minus one (a power of two minus one).
    let cacheMask: Int

    /// The number of cache slots a tokenizer keeps.
    static let cacheSize = 4096

    /// `table.find`, through the cache for keys of at most 8 bytes; `salt` tells the tables
    /// apart in the cache.
    @inline(__always)
    func find(_ table: TokenTableView, salt: UInt64, _ key: UnsafePointer<UInt8>, count: Int,
              hash: UInt64, prefix: UInt64) -> Int32? {
        guard count <= 8 else { return table.find(key, count: count, hash: hash, prefix: prefix) }
        let salted = hash ^ salt
        let entry = cache + (Int(truncatingIfNeeded: salted >> 20) & cacheMask)
        let tag = UInt16(truncatingIfNeeded: salted >> 48)
        if entry.pointee.length == UInt16(count), entry.pointee.prefix == prefix,
           entry.pointee.tag == tag {
            let id = entry.pointee.id
            return id < 0 ? nil : id
        }
        let found = table.find(key, count: count, hash: hash, prefix: prefix)
        entry.pointee = TokenSlot(prefix: prefix, id: found ?? -1, length: UInt16(count),
                                  tag: tag)
        return found
    }
}
