import Cache
import Foundation

/// Housekeeping of a cache folder while `prep` writes it.
enum CacheFolder {
    /// Creates the folder and its split sub-folders.
    static func create(_ folder: String) throws {
        do {
            for split in CacheFiles.splits {
                try FileManager.default.createDirectory(
                    atPath: (folder as NSString).appendingPathComponent(split),
                    withIntermediateDirectories: true)
            }
        } catch {
            throw PipelineError(path: folder, code: "io",
                                reason: "cannot create the cache folder: \(error)")
        }
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
