import Foundation

/// Tells what a media file is from its first bytes, without decoding it.
public enum MediaSniffer {
    /// What the first bytes say.
    public enum Kind: Equatable {
        case wav, flv, jpeg, png, mp4, matroska, avi
        /// A git-lfs pointer: the file was never fetched.
        case lfsPointer
        /// Zero bytes.
        case empty
        /// Anything else; the associated text is a short description of the first bytes.
        case unknown(String)
    }

    /// The header of a RIFF/WAVE file: enough to know the duration.
    public struct WAVHeader: Equatable {
        public let channels: Int
        public let sampleRate: Int
        public let byteRate: Int
        /// The data chunk size the header declares (may lie).
        public let declaredDataBytes: Int
        /// The data bytes actually present in the file.
        public let availableDataBytes: Int

        /// Seconds of audio actually present.
        public var seconds: Double {
            byteRate > 0 ? Double(availableDataBytes) / Double(byteRate) : 0
        }
    }

    /// Reads the first `length` bytes of `path` and classifies them; nil when it cannot be read.
    public static func sniff(path: String, length: Int = 64) -> (kind: Kind, head: [UInt8])? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8](handle.readData(ofLength: length))
        return (classify(head), head)
    }

    /// Classifies the first bytes of a file.
    public static func classify(_ head: [UInt8]) -> Kind {
        if head.isEmpty { return .empty }
        if head.starts(with: Array("version https://git-lfs".utf8)) { return .lfsPointer }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)) || head.starts(
            with: Array("RF64".utf8)) {
            let form = String(decoding: head[8..<12], as: UTF8.self)
            if form == "WAVE" { return .wav }
            if form == "AVI " { return .avi }
        }
        if head.starts(with: Array("FLV".utf8)) { return .flv }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return .png }
        if head.count >= 8, String(decoding: head[4..<8], as: UTF8.self) == "ftyp" { return .mp4 }
        if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return .matroska }
        let printable = head.prefix(64).allSatisfy { $0 == 9 || $0 == 10 || $0 == 13
            || (32..<127).contains($0) }
        return .unknown(printable ? "text" : "unrecognised binary data")
    }

    /// Walks the RIFF chunks of a WAV file for its format and data sizes; nil when malformed.
    public static func wavHeader(path: String) -> WAVHeader? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let fileSize = (try? handle.seekToEnd()).map { Int($0) } ?? 0
        try? handle.seek(toOffset: 0)
        let head = [UInt8](handle.readData(ofLength: 65_536))
        guard classify(head) == .wav else { return nil }

        var offset = 12
        var format: (channels: Int, rate: Int, byteRate: Int)?
        while offset + 8 <= head.count {
            let tag = String(decoding: head[offset..<(offset + 4)], as: UTF8.self)
            let size = Int(littleEndian32(head, offset + 4))
            let body = offset + 8
            if tag == "fmt ", body + 12 <= head.count {
                format = (Int(littleEndian16(head, body + 2)), Int(littleEndian32(head, body + 4)),
                          Int(littleEndian32(head, body + 8)))
            } else if tag == "data", let format {
                let available = max(0, min(size, fileSize - body))
                return WAVHeader(channels: format.channels, sampleRate: format.rate,
                                 byteRate: format.byteRate, declaredDataBytes: size,
                                 availableDataBytes: size == 0xFFFF_FFFF ? fileSize - body
                                     : available)
            }
            offset = body + size + (size & 1)
        }
        return nil
    }

    private static func littleEndian16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func littleEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16
            | UInt32(bytes[at + 3]) << 24
    }
}
