import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The one-writer lock of a cache folder: an advisory flock(2) on `<folder>/.lock`.
///
/// The kernel releases the lock when the process exits or is killed, so a crashed run never
/// blocks the next one. The holder writes its pid into the file so that a refused writer can
/// say who holds it.
public final class CacheLock {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    /// Takes the lock without waiting; throws `locked` naming the holder's pid when it is taken.
    public init(folder: String) throws {
        path = (folder as NSString).appendingPathComponent(".lock")
        let opened = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard opened >= 0 else {
            throw CacheError(path: path, code: "io", reason: "cannot open the lock file: "
                + String(cString: strerror(errno)))
        }
        guard flock(opened, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(opened)
            throw CacheError(path: path, code: "locked", reason: "another amss process "
                + (holder.isEmpty ? "" : "(pid \(holder)) ") + "is writing this cache folder; "
                + "wait for it to finish")
        }
        descriptor = opened
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
