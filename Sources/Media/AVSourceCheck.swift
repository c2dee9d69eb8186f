import Foundation

/// Checks a media file before libav sees it: present, readable, not empty, not a git-lfs pointer.
enum AVSourceCheck {
    /// The first bytes of a git-lfs pointer file that stands in for a media file never fetched.
    static let lfsPrefix = Array("version https://git-lfs".utf8)

    /// Throws `missing`, `unreadable`, `empty-media` or `lfs-pointer` for a file that cannot be
    /// media; returns the file's size in bytes otherwise.
    @discardableResult
    static func check(path: String) throws -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MediaError(path: path, code: "missing", reason: "no such file")
        }
        if isDirectory.boolValue {
            throw MediaError(path: path, code: "unreadable",
                             reason: "expected a media file, found a directory")
        }

        let head: [UInt8]
        let size: Int
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            head = Array(try handle.read(upToCount: lfsPrefix.count) ?? Data())
            size = Int(try handle.seekToEnd())
        } catch {
            throw MediaError(path: path, code: "unreadable",
                             reason: "cannot read the file: \(error.localizedDescription)")
        }

        if size == 0 {
            throw MediaError(path: path, code: "empty-media", reason: "the file has 0 bytes")
        }
        if head == lfsPrefix {
            throw MediaError(path: path, code: "lfs-pointer",
                             reason: "a git-lfs pointer file, not media (run `git lfs pull`)")
        }
        return size
    }
}
