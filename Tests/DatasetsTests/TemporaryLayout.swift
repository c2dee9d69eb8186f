import Foundation

/// A CREMA-D-shaped folder in a temporary directory, built file by file for a test.
struct TemporaryLayout {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "amss-layout-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/annotations",
                                                withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    func write(_ relative: String, _ data: Data) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
    }

    func write(_ relative: String, text: String) throws { try write(relative, Data(text.utf8)) }

    /// A 16-bit mono WAV of `seconds` at 16 kHz (silence is enough: only headers are read).
    static func wav(seconds: Double, sampleRate: Int = 16_000) -> Data {
        let dataBytes = Int(seconds * Double(sampleRate)) * 2
        var bytes = Data("RIFF".utf8)
        bytes.append(littleEndian(UInt32(36 + dataBytes)))
        bytes.append(contentsOf: Array("WAVEfmt ".utf8))
        bytes.append(littleEndian(UInt32(16)))
        bytes.append(littleEndian(UInt16(1)))
        bytes.append(littleEndian(UInt16(1)))
        bytes.append(littleEndian(UInt32(sampleRate)))
        bytes.append(littleEndian(UInt32(sampleRate * 2)))
        bytes.append(littleEndian(UInt16(2)))
        bytes.append(littleEndian(UInt16(16)))
        bytes.append(contentsOf: Array("data".utf8))
        bytes.append(littleEndian(UInt32(dataBytes)))
        bytes.append(Data(count: dataBytes))
        return bytes
    }

    static let flvHeader = Data([0x46, 0x4C, 0x56, 0x01, 0x05, 0, 0, 0, 9, 0, 0, 0, 0])
    /// The first and last bytes of a JPEG: only what the checks read (magic and end marker).
    static let jpegHeader = Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46,
                                  0xFF, 0xD9])

    /// A complete, valid clip: WAV plus one frame.
    func addClip(_ id: String, frames: Bool = true) throws {
        try write("AudioWAV/\(id).wav", TemporaryLayout.wav(seconds: 2))
        if frames {
            try write("Image-01-FPS/\(id)/00000.jpg", TemporaryLayout.jpegHeader)
        } else {
            try write("VideoFlash/\(id).flv", TemporaryLayout.flvHeader)
        }
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> Data {
        withUnsafeBytes(of: value.littleEndian) { Data($0) }
    }
}
