/// UTF-8 decoding that replaces ill-formed input like Python's `errors='replace'`.
///
/// Each maximal subpart of an ill-formed sequence (a lead byte and the continuation bytes that
/// were still valid for it, or one stray byte) becomes one U+FFFD, and decoding resumes at the
/// first byte that did not fit, so no well-formed scalar after an error is ever swallowed.
enum UTF8Decoding {
    /// The replacement character.
    static let replacement: UInt32 = 0xFFFD

    /// Decodes the scalar starting at `bytes[index]` (`index < end`) and advances `index`.
    @inline(__always)
    static func scalar(_ bytes: UnsafePointer<UInt8>, at index: inout Int, end: Int) -> UInt32 {
        let lead = bytes[index]
        index += 1
        if lead < 0x80 { return UInt32(lead) }

        var length = 0
        var value: UInt32 = 0
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0: length = 3; value = 0; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xED: length = 3; value = 0x0D; high = 0x9F
        case 0xF0: length = 4; value = 0; low = 0x90
        case 0xF1...0xF3: length = 4; value = UInt32(lead & 0x07)
        case 0xF4: length = 4; value = 4; high = 0x8F
        default: return replacement
        }

        for position in 1..<length {
            guard index < end else { return replacement }
            let byte = bytes[index]
            let first = position == 1
            guard byte >= (first ? low : 0x80), byte <= (first ? high : 0xBF) else {
                return replacement
            }
            value = value << 6 | UInt32(byte & 0x3F)
            index += 1
        }
        return value
    }

    /// Appends the UTF-8 encoding of a scalar value (below 0x110000, not a surrogate).
    @inline(__always)
    static func append(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | scalar >> 6))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | scalar >> 12))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | scalar >> 18))
            bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            bytes.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
