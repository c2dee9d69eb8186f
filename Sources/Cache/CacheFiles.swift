import Foundation

/// The files of a cache folder by kind: shards, temporaries, part manifests, locks, the rest.
public enum CacheFiles {
    /// The split sub-folders a cache folder may hold.
    public static let splits = ["train", "valid", "test"]

    /// The shard file name of bucket `index` of a split, e.g. `train/shard-00003.h5`.
    public static func shardFile(split: String, index: Int) -> String {
        String(format: "%@/shard-%05d.h5", split, index)
    }

    /// Whether a path relative to the cache folder is named like a shard.
    public static func isShardName(_ relative: String) -> Bool {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, splits.contains(String(parts[0])) else { return false }
        let name = parts[1]
        return name.hasPrefix("shard-") && name.hasSuffix(".h5")
    }

    /// Every regular file under `folder` as a path relative to it, sorted (symbolic links are
    /// listed, not followed).
    public static func allFiles(in folder: String) -> [String] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: folder) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let full = (folder as NSString).appendingPathComponent(relative)
            var isFolder: ObjCBool = false
            if manager.fileExists(atPath: full, isDirectory: &isFolder), isFolder.boolValue {
                continue
            }
            found.append(relative)
        }
        return found.sorted()
    }

    /// The shard files present, relative to `folder`.
    public static func shardFiles(in folder: String) -> [String] {
        allFiles(in: folder).filter(isShardName)
    }

    /// The `*.tmp` files a writer leaves while it works (or a killed one left behind).
    public static func temporaries(in folder: String) -> [String] {
        allFiles(in: folder).filter { $0.hasSuffix(".tmp") }
    }

    /// Whether a relative path is cache machinery rather than data: the manifest, lock files,
    /// part manifests.
    public static func isBookkeeping(_ relative: String) -> Bool {
        relative == "manifest.json" || relative.hasPrefix(".lock")
            || (relative.hasPrefix(PartManifest.folderName + "/") && relative.hasSuffix(".json"))
    }

    /// The summed size of every file under `folder`, in bytes.
    public static func totalBytes(of folder: String) -> Int64 {
        allFiles(in: folder).reduce(Int64(0)) { sum, relative in
            sum + (FileStamp.of((folder as NSString).appendingPathComponent(relative))?.bytes ?? 0)
        }
    }

    /// Deletes the files at `relatives` under `folder`, ignoring ones already gone; returns
    /// the relative paths that were removed.
    @discardableResult
    public static func remove(_ relatives: [String], in folder: String) -> [String] {
        relatives.filter { unlink((folder as NSString).appendingPathComponent($0)) == 0 }
    }
}
