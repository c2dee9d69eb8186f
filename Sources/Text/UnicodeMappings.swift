/// Case mappings and canonical decompositions of the generated tables, decoded on first use
/// (only words with non-ASCII letters that change need them).
final class UnicodeMappings: Sendable {
    /// The tables of `UnicodeTables`, decoded on first use.
    static let shared = UnicodeMappings()

    /// `str.lower()` where it is not the identity (U+03A3 excepted).
    let lowercase: [UInt32: [UInt32]]
    /// One-level canonical decompositions (Hangul syllables excepted).
    let decomposition: [UInt32: [UInt32]]
    /// Primary composites by `first << 32 | second` (Hangul excepted).
    let composition: [UInt64: UInt32]

    private init() {
        var lowercase: [UInt32: [UInt32]] = [:]
        Self.entries(UnicodeTables.lower, hasFlag: false) { scalar, mapping, _ in
            lowercase[scalar] = mapping
        }
        self.lowercase = lowercase

        var decomposition: [UInt32: [UInt32]] = [:]
        var composition: [UInt64: UInt32] = [:]
        Self.entries(UnicodeTables.decompositions, hasFlag: true) { scalar, mapping, composes in
            decomposition[scalar] = mapping
            if composes, mapping.count == 2 {
                composition[UInt64(mapping[0]) << 32 | UInt64(mapping[1])] = scalar
            }
        }
        self.decomposition = decomposition
        self.composition = composition
    }

    /// Calls `body(scalar, mapping, flag)` for each `[varint delta][u8 n][n varints]([u8])`.
    private static func entries(_ base64: String, hasFlag: Bool,
                                _ body: (UInt32, [UInt32], Bool) -> Void) {
        let data = UnicodeData.bytes(base64)
        var index = 0
        var scalar: UInt32 = 0
        while index < data.count {
            scalar += UnicodeData.varint(data, &index)
            guard index < data.count else { return }
            let count = Int(data[index])
            index += 1
            var mapping: [UInt32] = []
            mapping.reserveCapacity(count)
            for _ in 0..<count { mapping.append(UnicodeData.varint(data, &index)) }
            var flag = false
            if hasFlag, index < data.count {
                flag = data[index] != 0
                index += 1
            }
            body(scalar, mapping, flag)
        }
    }
}
