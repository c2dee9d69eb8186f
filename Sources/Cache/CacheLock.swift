import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The writer locks of a cache folder: advisory flock(2)s that the kernel releases when the
/// process exits or is killed, so a crashed run never blocks the next one.
///
/// A whole-folder writer (`prep` without `--part`, `cache merge`, `cache gc`) holds
/// `<folder>/.lock` exclusively. A part writer (`prep --part i/n`) holds `.lock` shared, so any
/// number of parts run side by side, and `.lock.part-i-of-n` exclusively, so each part has one
/// writer. Each holder writes `pid host` into the file it holds exclusively, so a refused writer
/// can name it. Readers take no lock.
// LIMITATION: across machines the lock is only as good as the shared file system's flock(2):
// Linux NFS clients map it to NFS byte-range locks (working with NFSv4 or lockd), but some
// cluster file systems ignore it — parts of one run never contend anyway, each has its own file.
public final class CacheLock {
    /// The folder lock file.
    public let path: String
    private let folderDescriptor: Int32
    private let partDescriptor: Int32?

    /// Takes the whole-folder lock without waiting.
    ///
    /// - Throws: `CacheError` `locked` naming the holders' pids when a writer holds the folder.
    public convenience init(folder: String) throws {
        try self.init(folder: folder, part: nil)
    }

    /// Takes the lock of part `part.index` of `part.count` (or of the whole folder when nil).
    ///
    /// - Throws: `CacheError` `locked` naming the holders' pids, `io` when the lock file
    ///   cannot be opened.
    public init(folder: String, part: (index: Int, count: Int)?) throws {
        path = CacheLock.folderLockPath(folder)
        let folderLock = try CacheLock.open(path)
        guard flock(folderLock, (part == nil ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(folderLock)
            throw CacheError(path: path, code: "locked", reason: "another amss process ("
                + CacheLock.holders(folder: folder).joined(separator: "; ")
                + ") is writing this cache folder; wait for it to finish")
        }
        guard let part else {
            CacheLock.writeHolder(folderLock)
            folderDescriptor = folderLock
            partDescriptor = nil
            return
        }

        let partPath = CacheLock.partLockPath(folder, index: part.index, count: part.count)
        let partLock: Int32
        do { partLock = try CacheLock.open(partPath) } catch {
            close(folderLock)
            throw error
        }
        guard flock(partLock, LOCK_EX | LOCK_NB) == 0 else {
            let holder = CacheLock.holder(in: partPath)
            close(partLock)
            close(folderLock)
            throw CacheError(path: partPath, code: "locked", reason: "another amss process "
                + "(\(holder.isEmpty ? "unknown pid" : "pid " + holder)) is writing part "
                + "\(part.index)/\(part.count) of this cache folder; wait for it to finish")
        }
        CacheLock.writeHolder(partLock)
        folderDescriptor = folderLock
        partDescriptor = partLock
    }

    deinit {
        if let partDescriptor {
            _ = ftruncate(partDescriptor, 0)
            close(partDescriptor)
        } else {
            _ = ftruncate(folderDescriptor, 0)
        }
        flock(folderDescriptor, LOCK_UN)
        close(folderDescriptor)
    }

    /// `<folder>/.lock`.
    public static func folderLockPath(_ folder: String) -> String {
        (folder as NSString).appendingPathComponent(".lock")
    }

    /// `<folder>/.lock.part-<i>-of-<n>`.
    public static func partLockPath(_ folder: String, index: Int, count: Int) -> String {
        (folder as NSString).appendingPathComponent(".lock.part-\(index)-of-\(count)")
    }

    /// Whether some process holds any writer lock of `folder` (probed with flock LOCK_NB).
    public static func isHeld(folder: String) -> Bool {
        let descriptor = Glibc.open(folderLockPath(folder), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return true
    }

    /// `pid host` of every live holder: each held part lock, or else the holder of `.lock`
    /// (whose file may name a killed process only when parts hold it now).
    public static func holders(folder: String) -> [String] {
        var found: [String] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where name.hasPrefix(".lock.part-") {
            let file = (folder as NSString).appendingPathComponent(name)
            let descriptor = Glibc.open(file, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
                flock(descriptor, LOCK_UN)
                continue
            }
            let part = String(name.dropFirst(".lock.part-".count))
                .replacingOccurrences(of: "-of-", with: "/")
            found.append("part \(part): pid \(holder(in: file))")
        }
        if !found.isEmpty { return found }
        let main = holder(in: folderLockPath(folder))
        return [main.isEmpty ? "unknown pid" : "pid \(main)"]
    }

    // MARK: - Internals

    private static func open(_ path: String) throws -> Int32 {
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CacheError(path: path, code: "io", reason: "cannot open the lock file: "
                + String(cString: strerror(errno)))
        }
        return descriptor
    }

    private static func holder(in path: String) -> String {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func writeHolder(_ descriptor: Int32) {
        let text = "\(getpid()) on \(ProcessInfo.processInfo.hostName)\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }
}
