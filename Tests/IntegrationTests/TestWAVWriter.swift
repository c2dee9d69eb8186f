import Foundation

/// WAV files of the sample formats the tests need, byte by byte (RIFF, a 16-byte `fmt `
/// chunk, `data`): 32-bit float (format tag 3) and 16- or 24-bit integer PCM (tag 1).
enum TestWAVWriter {
    /// A sample encoding.
    enum Encoding {
        case float32, pcm16, pcm24

        var bits: Int {
            switch self {
            case .float32: return 32
            case .pcm16: return 16
            case .pcm24: return 24
            }
        }
    }

    /// Writes `frames` (each frame one value per channel) at `sampleRate` Hz to `path`;
    /// integer encodings round `value · 2^(bits-1)`, clipped to the code range.
    static func write(_ frames: [[Float]], sampleRate: Int, encoding: Encoding,
                      to path: String) throws {
        let channels = frames.first?.count ?? 1
        let width = encoding.bits / 8
        var data = Data(capacity: frames.count * channels * width)
        for frame in frames {
            for value in frame { append(value, encoding: encoding, to: &data) }
        }
        var file = Data("RIFF".utf8)
        appendInteger(UInt32(36 + data.count), to: &file)
        file += Data("WAVEfmt ".utf8)
        appendInteger(UInt32(16), to: &file)
        appendInteger(UInt16(encoding == .float32 ? 3 : 1), to: &file)
        appendInteger(UInt16(channels), to: &file)
        appendInteger(UInt32(sampleRate), to: &file)
        appendInteger(UInt32(sampleRate * channels * width), to: &file)
        appendInteger(UInt16(channels * width), to: &file)
        appendInteger(UInt16(encoding.bits), to: &file)
        file += Data("data".utf8)
        appendInteger(UInt32(data.count), to: &file)
        file += data
        try file.write(to: URL(fileURLWithPath: path))
    }

    private static func append(_ value: Float, encoding: Encoding, to data: inout Data) {
        switch encoding {
        case .float32:
            appendInteger(value.bitPattern, to: &data)
        case .pcm16, .pcm24:
            let scale = Float(1 << (encoding.bits - 1))
            let code = Int32(max(-scale, min(scale - 1, (value * scale).rounded())))
            for byte in 0..<(encoding.bits / 8) {
                data.append(UInt8(truncatingIfNeeded: code >> (8 * byte)))
            }
        }
    }

    private static func appendInteger<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}
