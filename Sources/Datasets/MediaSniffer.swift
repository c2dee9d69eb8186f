import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Tells what a media file is from its first bytes, without decoding it.
public enum MediaSniffer {
    /// What the first bytes say.
    public enum Kind: Equatable {
        case wav, flv, jpeg, png, mp4, matroska, avi
        /// FLAC (`fLaC`) and Ogg (`OggS`) audio.
        case flac, ogg
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

    /// Why a path could not be read as a media file.
    public enum ReadProblem: Error, Equatable {
        /// The path is a folder, a FIFO, a device or a socket, not a regular file.
        case notAFile(String)
        /// open(2) or read(2) failed; the system's message.
        case unreadable(String)
    }

    /// Reads the first `length` bytes of the regular file at `path` and classifies them.
    ///
    /// Only regular files are opened (stat(2) first, then open(2) with O_NONBLOCK), so a folder
    /// or a FIFO named like a media file is an error, never a crash or a hang.
    public static func sniff(path: String,
                             length: Int = 64) -> Result<(kind: Kind, head: [UInt8]), ReadProblem> {
        switch readHead(path: path, length: length) {
        case .success(let head): return .success((classify(head), head))
        case .failure(let problem): return .failure(problem)
        }
    }

    /// The first `length` bytes of a regular file (fewer when the file is shorter).
    public static func readHead(path: String, length: Int) -> Result<[UInt8], ReadProblem> {
        readBytes(path: path, offset: 0, length: length)
    }

    /// `length` bytes from `offset` of a regular file (fewer at its end).
    static func readBytes(path: String, offset: Int, length: Int) -> Result<[UInt8], ReadProblem> {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .failure(.unreadable(String(cString: strerror(errno))))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            let kind = (info.st_mode & S_IFMT) == S_IFDIR ? "a folder" : "not a regular file"
            return .failure(.notAFile(kind))
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(.unreadable(String(cString: strerror(errno))))
        }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: max(0, length))
        let count = bytes.withUnsafeMutableBytes { buffer in
            pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
        }
        guard count >= 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        return .success(Array(bytes.prefix(count)))
    }

    /// The size of a regular file, or nil.
    static func fileSize(path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// Whether a JPEG file has its end-of-image marker (FF D9) within its last 1 KiB, as every
    /// complete JPEG does; a cut-off file lacks it and would decode as concealment fill.
    public static func jpegIsComplete(path: String) -> Bool {
        guard let size = fileSize(path: path) else { return false }
        let start = max(0, size - 1_024)
        guard case .success(let tail) = readBytes(path: path, offset: start,
                                                  length: size - start) else { return false }
        return zip(tail, tail.dropFirst()).contains { $0 == 0xFF && $1 == 0xD9 }
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
        if head.starts(with: Array("fLaC".utf8)) { return .flac }
        if head.starts(with: Array("OggS".utf8)) { return .ogg }
        let printable = head.prefix(64).allSatisfy { $0 == 9 || $0 == 10 || $0 == 13
            || (32..<127).contains($0) }
        return .unknown(printable ? "text" : "unrecognised binary data")
    }

    /// Whether the first bytes are GIF (`GIF87a`/`GIF89a`) or WebP (`RIFF....WEBP`) magic.
    public static func isGIFOrWebP(_ head: [UInt8]) -> Bool {
        if head.starts(with: Array("GIF8".utf8)) { return true }
        return head.count >= 12 && head.starts(with: Array("RIFF".utf8))
            && Array(head[8..<12]) == Array("WEBP".utf8)
    }

    /// Walks the RIFF chunks of a WAV file for its format and data sizes; nil when malformed.
    ///
    /// Chunks are skipped by seeking, so a large chunk before `data` (a LIST, a cue sheet) does
    /// not hide the data chunk.
    public static func wavHeader(path: String) -> WAVHeader? {
        guard let fileSize = fileSize(path: path),
              case .success(let head) = readHead(path: path, length: 12),
              classify(head) == .wav else { return nil }

        var offset = 12
        var format: (channels: Int, rate: Int, byteRate: Int)?
        for _ in 0..<10_000 {
            guard offset + 8 <= fileSize,
                  case .success(let header) = readBytes(path: path, offset: offset, length: 8),
                  header.count == 8 else { return nil }
            let tag = String(decoding: header[0..<4], as: UTF8.self)
            let size = Int(littleEndian32(header, 4))
            let body = offset + 8
            if tag == "fmt ", case .success(let fields) = readBytes(path: path, offset: body,
                                                                    length: 12),
               fields.count == 12 {
                format = (Int(littleEndian16(fields, 2)), Int(littleEndian32(fields, 4)),
                          Int(littleEndian32(fields, 8)))
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
