import Foundation

/// The cache folders under a cache root, as `amss cache ls` lists them.
public enum CacheCatalog {
    /// One cache folder.
    public struct Listing: Codable, Equatable {
        /// The cache folder.
        public let folder: String
        /// The dataset name, from the manifest or a part manifest; empty when unknown.
        public let dataset: String
        /// The config key (the folder name when nothing records it).
        public let configKey: String
        /// `complete`, `parts k/n` (part manifests awaiting merge), `writing` (a writer holds
        /// the lock) or `incomplete` (nothing refers to its files).
        public let state: String
        /// Shards the manifest lists.
        public let shards: Int
        /// Samples the manifest lists.
        public let samples: Int
        /// Bytes of every file in the folder.
        public let bytes: Int64
        /// Seconds since the manifest (or the newest file) was written.
        public let ageSeconds: Double

        enum CodingKeys: String, CodingKey {
            case folder, dataset, state, shards, samples, bytes
            case configKey = "config_key", ageSeconds = "age_seconds"
        }
    }

    /// The cache folders at `root`, `root/*` and `root/*/*` (the usual
    /// `<root>/<dataset>/<config-key>`), sorted by path.
    public static func folders(under root: String) -> [String] {
        var candidates = [root]
        for child in subfolders(of: root) {
            candidates.append(child)
            candidates += subfolders(of: child)
        }
        return candidates.filter(isCacheFolder).sorted()
    }

    /// Whether `folder` looks like a cache folder: it has a manifest, part manifests or a
    /// writer lock file.
    public static func isCacheFolder(_ folder: String) -> Bool {
        let manager = FileManager.default
        return ["manifest.json", PartManifest.folderName, ".lock"].contains {
            manager.fileExists(atPath: (folder as NSString).appendingPathComponent($0))
        }
    }

    /// The listing of every cache folder under `root`.
    public static func list(root: String) -> [Listing] {
        folders(under: root).map(listing)
    }

    /// The listing of one cache folder.
    public static func listing(_ folder: String) -> Listing {
        let manifest = try? Manifest.load(cacheFolder: folder)
        let parts = PartManifest.files(in: folder).compactMap {
            try? PartManifest.load($0, cacheFolder: folder)
        }
        let entries = manifest?.allEntries ?? []
        let state: String
        if CacheLock.isHeld(folder: folder) {
            state = "writing"
        } else if let first = parts.first {
            let done = parts.filter { $0.complete && $0.parts == first.parts }.count
            state = "parts \(done)/\(first.parts)"
        } else {
            state = manifest == nil ? "incomplete" : "complete"
        }
        let manifestStamp = FileStamp.of(Manifest.path(inCacheFolder: folder))
        let newest = manifestStamp?.mtimeNs ?? CacheFiles.allFiles(in: folder).compactMap {
            FileStamp.of((folder as NSString).appendingPathComponent($0))?.mtimeNs
        }.max() ?? 0
        let now = Date().timeIntervalSince1970
        return Listing(folder: folder, dataset: manifest?.dataset ?? parts.first?.dataset ?? "",
                       configKey: manifest?.configKey ?? parts.first?.configKey
                           ?? (folder as NSString).lastPathComponent,
                       state: state, shards: entries.count,
                       samples: entries.reduce(0) { $0 + $1.entry.samples },
                       bytes: CacheFiles.totalBytes(of: folder),
                       ageSeconds: max(0, now - Double(newest) / 1e9))
    }

    private static func subfolders(of folder: String) -> [String] {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name in
            guard !name.hasPrefix(".") else { return nil }
            let path = (folder as NSString).appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue,
                  !CacheFiles.splits.contains(name), name != PartManifest.folderName
            else { return nil }
            return path
        }
    }
}
