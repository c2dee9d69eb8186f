import Foundation

/// The character classes and combining classes of the generated tables, decoded once.
///
/// A two-stage table: one block number per 256 code points, and the distinct blocks of 256
/// packed `ScalarProperties` values. Decoding fills about 90 blocks from runs, well under a
/// millisecond. Case mappings and decompositions are in `UnicodeMappings`.
final class UnicodeData: Sendable {
    /// The tables of `UnicodeTables`, decoded on first use.
    static let shared = UnicodeData()

    /// Block number for each 256-code-point block (index `scalar >> 8`).
    private let blockIndex: [UInt16]
    /// The distinct blocks, 256 entries each.
    private let blocks: [UInt32]

    private init() {
        var blocks: [UInt32] = []
        let blockData = Self.bytes(UnicodeTables.blocks)
        var index = 0
        while index < blockData.count {
            let runs = Int(blockData[index]) + 1
            index += 1
            var starts: [(offset: Int, value: UInt32)] = []
            for _ in 0..<runs where index < blockData.count {
                let offset = Int(blockData[index])
                index += 1
                starts.append((offset, Self.varint(blockData, &index)))
            }
            let base = blocks.count
            blocks.append(contentsOf: repeatElement(0, count: 256))
            for (number, run) in starts.enumerated() {
                let end = number + 1 < starts.count ? starts[number + 1].offset : 256
                for offset in run.offset..<max(run.offset, end) {
                    blocks[base + offset] = run.value
                }
            }
        }

        var numbers: [UInt16] = []
        numbers.reserveCapacity(0x110000 >> 8)
        let indexData = Self.bytes(UnicodeTables.blockIndex)
        index = 0
        while index < indexData.count {
            let repeats = Int(Self.varint(indexData, &index))
            let number = UInt16(truncatingIfNeeded: Self.varint(indexData, &index))
            numbers.append(contentsOf: repeatElement(number, count: repeats))
        }
        // The generator checks that the runs cover every code point; pad defensively so that
        // a lookup can never go out of bounds.
        if numbers.count < 0x110000 >> 8 {
            numbers.append(contentsOf: repeatElement(0, count: (0x110000 >> 8) - numbers.count))
        }
        if blocks.isEmpty { blocks = [UInt32](repeating: 0, count: 256) }
        let blockCount = UInt16(blocks.count >> 8)
        blockIndex = numbers.map { $0 < blockCount ? $0 : 0 }
        self.blocks = blocks
    }

    /// The properties of one scalar value (any value below 0x110000).
    @inline(__always)
    func properties(_ scalar: UInt32) -> ScalarProperties {
        let block = Int(blockIndex[Int(scalar >> 8)])
        return ScalarProperties(raw: blocks[block << 8 | Int(scalar & 0xFF)])
    }

    // MARK: - Decoding helpers (shared with UnicodeMappings)

    /// The bytes of a base64 blob; the generated text is valid base64 by construction.
    static func bytes(_ base64: String) -> [UInt8] {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            return []
        }
        return [UInt8](data)
    }

    /// Reads a LEB128 varint at `index`, advancing it.
    static func varint(_ data: [UInt8], _ index: inout Int) -> UInt32 {
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
}
