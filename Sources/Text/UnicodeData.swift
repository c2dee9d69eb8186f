import Foundation

/// The generated Unicode tables, decoded once into lookup structures.
///
/// Character classes and combining classes sit in a two-stage table (256 code points per block,
/// identical blocks shared); case mappings and decompositions, which only non-ASCII words reach,
/// are dictionaries.
final class UnicodeData: Sendable {
    /// The tables of `UnicodeTables`, decoded on first use.
    static let shared = UnicodeData()

    /// Block number for each 256-code-point block (index `scalar >> 8`).
    private let blockIndex: [UInt16]
    /// The distinct blocks, 256 entries each.
    private let blocks: [UInt32]
    /// `str.lower()` where it is not the identity (U+03A3 excepted).
    let lowercase: [UInt32: [UInt32]]
    /// One-level canonical decompositions (Hangul syllables excepted).
    let decomposition: [UInt32: [UInt32]]
    /// Primary composites by `first << 32 | second` (Hangul excepted).
    let composition: [UInt64: UInt32]

    private init() {
        let flagRuns = Self.runs(UnicodeTables.flags, width: 2)
        let classRuns = Self.runs(UnicodeTables.ccc, width: 1)
        (blockIndex, blocks) = Self.blockTable(flagRuns: flagRuns, classRuns: classRuns)

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

    /// The properties of one scalar value (any value below 0x110000).
    @inline(__always)
    func properties(_ scalar: UInt32) -> ScalarProperties {
        let block = Int(blockIndex[Int(scalar >> 8)])
        return ScalarProperties(raw: blocks[block << 8 | Int(scalar & 0xFF)])
    }

    // MARK: - Decoding

    /// The bytes of a base64 blob; the generated text is valid base64 by construction.
    private static func bytes(_ base64: String) -> [UInt8] {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            return []
        }
        return [UInt8](data)
    }

    /// Reads a LEB128 varint at `index`, advancing it.
    private static func varint(_ data: [UInt8], _ index: inout Int) -> UInt32 {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        while index < data.count {
            let byte = data[index]
            index += 1
            value |= UInt32(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { break }
        }
        return value
    }

    /// Run starts and values of a `[varint delta][value]` stream.
    private static func runs(_ base64: String, width: Int) -> [(start: UInt32, value: UInt32)] {
        let data = bytes(base64)
        var result: [(start: UInt32, value: UInt32)] = []
        var index = 0
        var start: UInt32 = 0
        while index < data.count {
            start += varint(data, &index)
            var value: UInt32 = 0
            for byte in 0..<width where index < data.count {
                value |= UInt32(data[index]) << (8 * UInt32(byte))
                index += 1
            }
            result.append((start, value))
        }
        return result
    }

    /// Calls `body(scalar, mapping, flag)` for each `[varint delta][u8 n][n varints]([u8])`.
    private static func entries(_ base64: String, hasFlag: Bool,
                                _ body: (UInt32, [UInt32], Bool) -> Void) {
        let data = bytes(base64)
        var index = 0
        var scalar: UInt32 = 0
        while index < data.count {
            scalar += varint(data, &index)
            guard index < data.count else { return }
            let count = Int(data[index])
            index += 1
            var mapping: [UInt32] = []
            mapping.reserveCapacity(count)
            for _ in 0..<count { mapping.append(varint(data, &index)) }
            var flag = false
            if hasFlag, index < data.count {
                flag = data[index] != 0
                index += 1
            }
            body(scalar, mapping, flag)
        }
    }

    /// Merges flag and combining-class runs into a two-stage table with shared blocks.
    private static func blockTable(flagRuns: [(start: UInt32, value: UInt32)],
                                   classRuns: [(start: UInt32, value: UInt32)])
        -> ([UInt16], [UInt32]) {
        var index: [UInt16] = []
        var blocks: [UInt32] = []
        var known: [[UInt32]: UInt16] = [:]
        var flagRun = 0
        var classRun = 0
        var block = [UInt32](repeating: 0, count: 256)
        for blockNumber in 0..<(0x110000 >> 8) {
            for offset in 0..<256 {
                let scalar = UInt32(blockNumber << 8 | offset)
                while flagRun + 1 < flagRuns.count, flagRuns[flagRun + 1].start <= scalar {
                    flagRun += 1
                }
                while classRun + 1 < classRuns.count, classRuns[classRun + 1].start <= scalar {
                    classRun += 1
                }
                let flags = flagRuns.isEmpty ? 0 : flagRuns[flagRun].value
                let combining = classRuns.isEmpty ? 0 : classRuns[classRun].value
                block[offset] = flags | combining << 16
            }
            if let number = known[block] {
                index.append(number)
            } else {
                let number = UInt16(blocks.count >> 8)
                known[block] = number
                blocks.append(contentsOf: block)
                index.append(number)
            }
        }
        return (index, blocks)
    }
}
