/// Greedy longest-match-first WordPiece over one word's UTF-8 bytes.
///
/// From the start of the word, the longest prefix that is a vocabulary token is taken; every
/// later piece is looked up with a `##` prefix. Pieces end only on scalar boundaries. A word
/// longer than `maxWordScalars` scalars, or one with a remainder no token matches, becomes one
/// `[UNK]` (the pieces found before are dropped), as in the reference.
enum WordPiece {
    /// Words longer than this many Unicode scalars are `[UNK]`.
    static let maxWordScalars = 100

    /// Appends the ids of `word` (valid UTF-8, non-empty) to `ids`.
    @inline(__always)
    static func appendIDs(of word: UnsafeBufferPointer<UInt8>, _ lookup: VocabularyLookup,
                          to ids: inout [Int32]) {
        guard let base = word.baseAddress, word.count > 0 else { return }
        let count = word.count
        if count == 1, base[0] < 0x80 {
            ids.append(lookup.singleByteIDs[Int(base[0])])
            return
        }
        if count > maxWordScalars, scalarCount(word) > maxWordScalars {
            ids.append(lookup.unknownID)
            return
        }

        let mark = ids.count
        var start = 0
        while start < count {
            guard let (id, end) = longestMatch(base, from: start, count: count, lookup) else {
                ids.removeSubrange(mark...)
                ids.append(lookup.unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }

    /// The longest token that `word[start...]` begins with (a `##` token unless `start` is 0),
    /// and where it ends.
    @inline(__always)
    private static func longestMatch(_ word: UnsafePointer<UInt8>, from start: Int, count: Int,
                                     _ lookup: VocabularyLookup) -> (Int32, Int)? {
        let table = start == 0 ? lookup.words : lookup.continuations
        let salt: UInt64 = start == 0 ? 0 : 0x9E37_79B9_7F4A_7C15
        let limit = min(count - start, table.longestKey)
        guard limit > 0 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: limit) { hashes in
            var state = HashedTokenTable.seed
            for offset in 0..<limit {
                state = HashedTokenTable.step(state, word[start + offset])
                hashes[offset] = state
            }
            let head = TokenSlot.prefix(word + start, count: limit)
            var length = limit
            while length > 0 {
                let end = start + length
                if end == count || word[end] & 0xC0 != 0x80 {
                    let hash = HashedTokenTable.finish(hashes[length - 1])
                    let prefix = length >= 8 ? head : head & ((1 << (8 * UInt64(length))) - 1)
                    if let id = lookup.find(table, salt: salt, word + start, count: length,
                                            hash: hash, prefix: prefix) {
                        return (id, end)
                    }
                }
                length -= 1
            }
            return nil
        }
    }

    /// The number of scalars in valid UTF-8 (bytes that are not continuation bytes).
    private static func scalarCount(_ word: UnsafeBufferPointer<UInt8>) -> Int {
        var scalars = 0
        for byte in word where byte & 0xC0 != 0x80 { scalars += 1 }
        return scalars
    }
}
