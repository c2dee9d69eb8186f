import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Durable, atomic replacement of files: write elsewhere, fsync, rename, fsync the folder.
public enum AtomicFile {
    /// Writes `data` to `<path>.tmp` (open(2), write(2), fsync(2)) and renames it to `path`.
    ///
    /// The temporary has a fixed name, so a writer killed half-way leaves exactly that file,
    /// which the next writer replaces.
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CacheError(path: temporary, code: "io", reason: "cannot create the file: "
                + String(cString: strerror(errno)))
        }
        var failure: Int32 = 0
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0 && fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        guard failure == 0 else {
            throw CacheError(path: temporary, code: "io", reason: "cannot write the file: "
                + String(cString: strerror(failure)))
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
    static func fsyncPath(_ path: String, directory: Bool) throws {
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
