import Cache
import Foundation

/// Housekeeping of a cache folder while `prep` writes it.
enum CacheFolder {
    /// Creates the folder and its split sub-folders (mkdir(2) per missing component).
    static func create(_ folder: String) throws {
        for split in CacheFiles.splits {
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
        let parent = parentPath(of: path)
        if !parent.isEmpty, parent != path { try makeFolders(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw PipelineError(path: path, code: "io", reason: "cannot create the cache folder: "
                                + String(cString: strerror(errno)))
        }
    }

    /// The path without its last component (`a/b/` → `a`, `c` → ``, `/c` → `/`), computed by
    /// hand: Foundation's `deletingLastPathComponent` traps on some one-character paths.
    static func parentPath(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// Every shard entry an earlier run recorded, by file: from every part manifest (a killed
    /// or finished part) and from `manifest.json`.
    static func recordedEntries(in folder: String,
                                manifest: Manifest?) -> [String: [ShardEntry]] {
        var entries: [String: [ShardEntry]] = [:]
        for file in PartManifest.files(in: folder) {
            guard let part = try? PartManifest.load(file, cacheFolder: folder) else { continue }
            for (_, list) in part.splits {
                for entry in list { entries[entry.file, default: []].append(entry) }
            }
        }
        for (_, entry) in manifest?.allEntries ?? [] {
            entries[entry.file, default: []].append(entry)
        }
        return entries
    }

    /// Deletes the temporaries a writer of these shard files (and of this part's manifest)
    /// would leave; other parts' temporaries are theirs.
    static func removeTemporaries(of files: [String], partManifest: String, in folder: String) {
        CacheFiles.remove((files + [partManifest]).map { $0 + ".tmp" }, in: folder)
    }
}
