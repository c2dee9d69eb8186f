import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Durable, atomic replacement of files: write elsewhere, fsync, rename, fsync the folder.
public enum AtomicFile {
    /// Writes `data` to `<path>.tmp`, fsyncs it and renames it to `path`.
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw CacheError(path: temporary, code: "io", reason: "cannot create the file: "
                + String(cString: strerror(errno)))
        }
        try syncAndRename(temporary, to: path)
    }

    /// fsyncs `temporary`, renames it to `path` (rename(2), atomic on one file system) and
    /// fsyncs the containing folder so the new name survives a crash.
    public static func syncAndRename(_ temporary: String, to path: String) throws {
        try fsyncPath(temporary, directory: false)
        guard rename(temporary, path) == 0 else {
            throw CacheError(path: path, code: "io", reason: "cannot rename \(temporary): "
                + String(cString: strerror(errno)))
        }
        let folder = (path as NSString).deletingLastPathComponent
        try fsyncPath(folder.isEmpty ? "." : folder, directory: true)
    }

    /// Opens `path` read-only and calls fsync(2) on it.
    private static func fsyncPath(_ path: String, directory: Bool) throws {
        let descriptor = open(path, directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY)
        guard descriptor >= 0 else {
            throw CacheError(path: path, code: "io", reason: "cannot open for fsync: "
                + String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw CacheError(path: path, code: "io", reason: "fsync failed: "
                + String(cString: strerror(errno)))
        }
    }
}
