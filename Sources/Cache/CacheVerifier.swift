import Foundation

/// Checks a cache folder against its manifest: checksums, HDF5 structure, config keys, schema,
/// and files that nothing lists.
public enum CacheVerifier {
    /// The result of `verify`.
    public struct Report: Encodable {
        /// The cache folder checked.
        public let cacheFolder: String
        /// Shards the manifest lists.
        public let shards: Int
        /// Samples the manifest lists.
        public let samples: Int
        /// Bytes of the listed shards present on disk.
        public let bytes: Int64
        /// Every problem found; empty when the cache is sound.
        public let problems: [CacheProblem]

        /// Whether no problem was found.
        public var ok: Bool { problems.isEmpty }

        enum CodingKeys: String, CodingKey {
            case cacheFolder = "cache_folder", shards, samples, bytes, problems, ok
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cacheFolder, forKey: .cacheFolder)
            try container.encode(shards, forKey: .shards)
            try container.encode(samples, forKey: .samples)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(problems, forKey: .problems)
            try container.encode(ok, forKey: .ok)
        }
    }

    /// Re-hashes every shard the manifest lists, opens each, checks its config key, sample
    /// count and datasets against `schema`, and lists missing and extra files.
    public static func verify(cacheFolder: String, schema: ShardSchema = .common) -> Report {
        let manifest: Manifest
        do { manifest = try Manifest.load(cacheFolder: cacheFolder) } catch {
            let problem = (error as? CacheError).map {
                CacheProblem(path: $0.path, code: $0.code == "missing" ? "missing" : "manifest",
                             reason: $0.reason)
            } ?? CacheProblem(path: Manifest.path(inCacheFolder: cacheFolder), code: "manifest",
                              reason: "\(error)")
            return Report(cacheFolder: cacheFolder, shards: 0, samples: 0, bytes: 0,
                          problems: [problem])
        }

        var problems: [CacheProblem] = []
        var bytes: Int64 = 0
        let entries = manifest.allEntries
        for (_, entry) in entries {
            let path = (cacheFolder as NSString).appendingPathComponent(entry.file)
            bytes += FileStamp.of(path)?.bytes ?? 0
            problems += ShardInspector(path: path, entry: entry, manifest: manifest,
                                       schema: schema).problems()
        }

        let listed = Set(entries.map(\.entry.file))
        for relative in CacheFiles.allFiles(in: cacheFolder)
        where !listed.contains(relative) && !CacheFiles.isBookkeeping(relative) {
            let path = (cacheFolder as NSString).appendingPathComponent(relative)
            let reason = relative.hasSuffix(".tmp")
                ? "a temporary file of a running or killed writer (a rerun of prep or "
                    + "`amss cache gc` removes it)"
                : CacheFiles.isShardName(relative)
                    ? "a shard the manifest does not list (`amss cache gc` removes it)"
                    : "a file the manifest does not list (not named like a shard, so "
                        + "`amss cache gc` leaves it; remove it by hand if it is not yours)"
            problems.append(CacheProblem(path: path, code: "extra", reason: reason))
        }
        return Report(cacheFolder: cacheFolder, shards: entries.count,
                      samples: entries.reduce(0) { $0 + $1.entry.samples }, bytes: bytes,
                      problems: problems)
    }

    // LIMITATION: entries without a checksum (hand-written manifests) pass the quick check
    // unhashed; `cache verify` reports them as `no-checksum`.
    /// The check `train` runs before it opens any shard: every listed shard exists, and one
    /// whose size or modification time differs from the manifest's record (or every one,
    /// with `full`) is re-hashed against its checksum.
    ///
    /// Entries without a recorded checksum (hand-written manifests) are only checked for
    /// existence.
    ///
    /// - Throws: `CacheError` naming the manifest when it is missing, or the first shard that
    ///   is missing (`missing`) or whose bytes differ from the checksum (`checksum`).
    public static func quickCheck(cacheFolder: String, full: Bool = false) throws {
        let manifest = try Manifest.load(cacheFolder: cacheFolder)
        for (_, entry) in manifest.allEntries {
            let path = (cacheFolder as NSString).appendingPathComponent(entry.file)
            guard let stamp = FileStamp.of(path) else {
                throw CacheError(path: path, code: "missing", reason: "the manifest lists this "
                                 + "shard but the file is gone; rerun `amss prep`")
            }
            guard !entry.sha256.isEmpty, full || entry.stamp != stamp else { continue }
            let actual = try SHA256.hex(ofFile: path)
            guard actual == entry.sha256 else {
                let size = entry.bytes.map { ", the manifest recorded \($0)" } ?? ""
                throw CacheError(path: path, code: "checksum", reason: "the shard changed after "
                                 + "prep (\(stamp.bytes) bytes\(size); SHA-256 \(actual), "
                                 + "expected \(entry.sha256)): rerun `amss prep` or "
                                 + "`amss cache verify` for details")
            }
        }
    }
}
