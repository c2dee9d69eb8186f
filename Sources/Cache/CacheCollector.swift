import Foundation

/// What `amss cache gc` removes: files and cache folders that nothing refers to.
///
/// Inside a cache folder, a shard is referred to by `manifest.json` or a part manifest; every
/// other shard file and every temporary is garbage. A cache folder with neither a manifest nor
/// a part manifest (a run killed before its first shard, or emptied by hand) is garbage as a
/// whole. With a runs folder, a complete cache that no run's `config.json` names (by folder
/// or config key) is garbage too. Folders a writer holds are left alone.
public enum CacheCollector {
    /// One thing to remove.
    public struct Item: Codable, Equatable {
        /// The file or folder.
        public let path: String
        /// Its size in bytes (a folder's: every file in it).
        public let bytes: Int64
        /// Why nothing refers to it.
        public let reason: String
        /// Whether it is a whole cache folder.
        public let folder: Bool
    }

    /// What to remove under `root`, and the folders skipped because a writer holds them.
    public static func plan(root: String, runs: String? = nil) -> (items: [Item],
                                                                   busy: [String]) {
        let referenced = runs.map(runReferences) ?? nil
        var items: [Item] = []
        var busy: [String] = []
        for folder in CacheCatalog.folders(under: root) {
            if CacheLock.isHeld(folder: folder) {
                busy.append(folder + " (" + CacheLock.holders(folder: folder)
                    .joined(separator: "; ") + ")")
                continue
            }
            items += garbage(in: folder, referenced: referenced)
        }
        return (items, busy)
    }

    /// Removes `items`, each folder under its exclusive lock; returns the paths removed.
    public static func remove(_ items: [Item]) -> [String] {
        var removed: [String] = []
        for item in items {
            if item.folder {
                guard let lock = try? CacheLock(folder: item.path) else { continue }
                let gone = withExtendedLifetime(lock) {
                    (try? FileManager.default.removeItem(atPath: item.path)) != nil
                }
                if gone {
                    removed.append(item.path)
                    rmdir((item.path as NSString).deletingLastPathComponent)
                }
            } else {
                guard let lock = try? CacheLock(folder: owningCacheFolder(of: item.path)) else {
                    continue
                }
                if withExtendedLifetime(lock, { unlink(item.path) == 0 }) {
                    removed.append(item.path)
                }
            }
        }
        return removed
    }

    // MARK: - Internals

    private static func garbage(in folder: String, referenced: Set<String>?) -> [Item] {
        let manifest = try? Manifest.load(cacheFolder: folder)
        let partFiles = PartManifest.files(in: folder)
        let parts = partFiles.compactMap { try? PartManifest.load($0, cacheFolder: folder) }
        guard manifest != nil || !parts.isEmpty else {
            return [Item(path: folder, bytes: CacheFiles.totalBytes(of: folder),
                         reason: "no manifest or part manifest refers to this cache folder",
                         folder: true)]
        }
        if let manifest, parts.isEmpty, let referenced,
           !referenced.contains(resolved(folder)), !referenced.contains(manifest.configKey) {
            return [Item(path: folder, bytes: CacheFiles.totalBytes(of: folder),
                         reason: "no run in the runs folder trained on this cache",
                         folder: true)]
        }

        var listed = Set(manifest?.allEntries.map(\.entry.file) ?? [])
        for part in parts {
            for (_, entries) in part.splits { listed.formUnion(entries.map(\.file)) }
        }
        var items: [Item] = []
        for relative in CacheFiles.allFiles(in: folder) {
            let path = (folder as NSString).appendingPathComponent(relative)
            let bytes = FileStamp.of(path)?.bytes ?? 0
            if relative.hasSuffix(".tmp") {
                items.append(Item(path: path, bytes: bytes, reason: "temporary of a killed "
                                  + "writer", folder: false))
            } else if CacheFiles.isShardName(relative), !listed.contains(relative) {
                items.append(Item(path: path, bytes: bytes, reason: "shard no manifest lists",
                                  folder: false))
            }
        }
        return items
    }

    /// Resolved cache folders and config keys named by `<runs>/*/config.json`.
    private static func runReferences(_ runs: String) -> Set<String> {
        var found: Set<String> = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []
        for name in names {
            let path = ((runs as NSString).appendingPathComponent(name) as NSString)
                .appendingPathComponent("config.json")
            guard let data = FileManager.default.contents(atPath: path),
                  let object = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                continue
            }
            if case .string(let folder)? = object["cache_folder"] { found.insert(resolved(folder)) }
            if case .string(let key)? = object["config_key"] { found.insert(key) }
        }
        return found
    }

    private static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// The cache folder a file inside it belongs to (the folder itself, or the parent of its
    /// split or parts folder).
    private static func owningCacheFolder(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        let name = (parent as NSString).lastPathComponent
        let inside = CacheFiles.splits.contains(name) || name == PartManifest.folderName
        return inside ? (parent as NSString).deletingLastPathComponent : parent
    }
}
