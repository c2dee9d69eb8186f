import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file's size and modification time, the cheap test of whether it changed.
public struct FileStamp: Equatable, Codable {
    /// The size in bytes.
    public let bytes: Int64
    /// The modification time in nanoseconds since 1970.
    public let mtimeNs: Int64

    /// Makes a stamp from its parts.
    public init(bytes: Int64, mtimeNs: Int64) {
        self.bytes = bytes
        self.mtimeNs = mtimeNs
    }

    /// The stamp of the file at `path` (stat(2)), or nil when it cannot be stat'ed.
    public static func of(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let nanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return FileStamp(bytes: Int64(info.st_size), mtimeNs: nanoseconds)
    }
}
