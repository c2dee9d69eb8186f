import Foundation

/// The source of truth of a cache folder: what was prepared, how, and where it is.
public struct Manifest: Codable {
    /// The version of the shard schema this manifest describes.
    public static let currentSchemaVersion = 1

    /// The schema version of the shards this manifest lists.
    public let schemaVersion: Int
    /// The dataset name, e.g. `crema`.
    public let dataset: String
    /// The normalised pipeline configuration the shards were made with.
    public let config: JSONValue
    /// The hash of the configuration, schema version and numeric library versions.
    public let configKey: String
    /// The amss version that wrote the cache.
    public let toolVersion: String
    /// Class names in index order.
    public let classes: [String]
    /// Shards per split (`train`, `valid`, `test`).
    public let splits: [String: [ShardEntry]]
    /// Samples that could not be prepared.
    public let rejected: [RejectedSample]
    /// Samples prepared although a stage found a problem (every shard entry's `warnings`);
    /// absent when there are none.
    public let warnings: [RejectedSample]?
    /// The number of hash buckets (possible shards) per split, when `prep` recorded it.
    public let buckets: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case dataset, config
        case configKey = "config_key"
        case toolVersion = "tool_version"
        case classes, splits, rejected, buckets, warnings
    }

    /// Makes a manifest.
    public init(dataset: String, config: JSONValue, configKey: String, toolVersion: String,
                classes: [String], splits: [String: [ShardEntry]], rejected: [RejectedSample],
                buckets: [String: Int]? = nil, warnings: [RejectedSample] = []) {
        self.schemaVersion = Manifest.currentSchemaVersion
        self.dataset = dataset
        self.config = config
        self.configKey = configKey
        self.toolVersion = toolVersion
        self.classes = classes
        self.splits = splits
        self.rejected = rejected
        self.buckets = buckets
        self.warnings = warnings.isEmpty ? nil : warnings
    }

    /// Every shard entry with its split, in split order (train, valid, test, then others).
    public var allEntries: [(split: String, entry: ShardEntry)] {
        let order = ["train", "valid", "test"]
        let names = splits.keys.sorted { (order.firstIndex(of: $0) ?? 3, $0)
            < (order.firstIndex(of: $1) ?? 3, $1) }
        return names.flatMap { name in (splits[name] ?? []).map { (name, $0) } }
    }

    /// The manifest file of a cache folder.
    public static func path(inCacheFolder folder: String) -> String {
        (folder as NSString).appendingPathComponent("manifest.json")
    }

    /// Where `prep` moves `manifest.json` while it replaces shards the manifest lists, so that a
    /// killed update never leaves a manifest describing other bytes (`parts/withdrawn.json`).
    public static func withdrawnPath(inCacheFolder folder: String) -> String {
        (folder as NSString).appendingPathComponent(withdrawnRelativePath)
    }

    /// `withdrawnPath` relative to the cache folder.
    static let withdrawnRelativePath = PartManifest.folderName + "/withdrawn.json"

    /// Reads `manifest.json` from `cacheFolder`.
    public static func load(cacheFolder: String) throws -> Manifest {
        let path = Manifest.path(inCacheFolder: cacheFolder)
        if !FileManager.default.fileExists(atPath: path),
           FileManager.default.fileExists(atPath: withdrawnPath(inCacheFolder: cacheFolder)) {
            throw CacheError(path: path, code: "incomplete",
                             reason: "an `amss prep` update of this cache did not finish (its "
                                + "manifest is withdrawn while shards are replaced); rerun prep")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CacheError(path: path, code: "missing",
                             reason: "no manifest.json: is this the folder `amss prep` printed?")
        }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw CacheError(path: path, code: "schema", reason: "not a valid manifest: \(error)")
        }
    }

    /// Reads the manifest an unfinished update withdrew, or nil.
    public static func loadWithdrawn(cacheFolder: String) -> Manifest? {
        guard let data = FileManager.default.contents(
            atPath: withdrawnPath(inCacheFolder: cacheFolder)) else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }

    /// Moves `manifest.json` to `withdrawnPath` (`AtomicFile.syncAndRename`, then an fsync of
    /// the cache folder, whose entry went away), when
    /// there is one.
    public static func withdraw(cacheFolder: String) throws {
        let path = Manifest.path(inCacheFolder: cacheFolder)
        guard FileManager.default.fileExists(atPath: path) else { return }
        let target = withdrawnPath(inCacheFolder: cacheFolder)
        try? FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try AtomicFile.syncAndRename(path, to: target)
        try AtomicFile.fsyncPath(cacheFolder, directory: true)
    }

    /// Writes the manifest atomically as pretty-printed JSON with sorted keys.
    public func save(cacheFolder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        try AtomicFile.write(data + Data("\n".utf8), to: Manifest.path(inCacheFolder: cacheFolder))
    }
}
