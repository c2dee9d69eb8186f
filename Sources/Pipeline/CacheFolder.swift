import Foundation

/// Housekeeping of a cache folder's files.
enum CacheFolder {
    /// The split sub-folders.
    static let splits = ["train", "valid", "test"]

    /// Creates the folder and its split sub-folders (mkdir(2) per missing component).
    static func create(_ folder: String) throws {
        for split in splits {
            try makeFolders((folder as NSString).appendingPathComponent(split))
        }
    }

    private static func makeFolders(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw PipelineError(path: path, code: "io", reason: "cannot create the cache "
                                    + "folder: a file is in the way")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeFolders(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw PipelineError(path: path, code: "io", reason: "cannot create the cache folder: "
                                + String(cString: strerror(errno)))
        }
    }

    /// Deletes `*.tmp` files a killed run left behind (call only while holding the lock).
    static func removeTemporaries(in folder: String) {
        for file in files(in: folder) where file.hasSuffix(".tmp") { unlink(file) }
    }

    /// Deletes shard files that the current plan does not contain.
    static func removeShards(in folder: String, except keep: Set<String>) {
        for split in splits {
            let sub = (folder as NSString).appendingPathComponent(split)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: sub)) ?? []
            for name in names where name.hasPrefix("shard-") && name.hasSuffix(".h5")
                && !keep.contains("\(split)/\(name)") {
                unlink((sub as NSString).appendingPathComponent(name))
            }
        }
    }

    private static func files(in folder: String) -> [String] {
        var found: [String] = []
        for sub in [""] + splits {
            let path = sub.isEmpty ? folder : (folder as NSString).appendingPathComponent(sub)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            found += names.map { (path as NSString).appendingPathComponent($0) }
        }
        return found
    }
}
