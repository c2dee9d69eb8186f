import Foundation

/// What one part of a `prep` run has written so far, in `<folder>/parts/part-i-of-n.json`.
///
/// A part rewrites this file atomically after every shard, so a killed part resumes from it;
/// `complete` turns true when the part has produced all of its shards. `amss cache merge` (or
/// the end of a run without `--part`, which is part 0 of 1) joins the parts into
/// `manifest.json`.
public struct PartManifest: Codable, Equatable {
    /// The sub-folder that holds part manifests.
    public static let folderName = "parts"

    /// The shard schema version.
    public var schemaVersion = Manifest.currentSchemaVersion
    /// The dataset name.
    public var dataset: String
    /// The normalised pipeline configuration.
    public var config: JSONValue
    /// The config key every shard of this part was made with.
    public var configKey: String
    /// The amss version that wrote the part.
    public var toolVersion: String
    /// Class names in index order.
    public var classes: [String]
    /// This part's number, 0-based.
    public var part: Int
    /// The number of parts.
    public var parts: Int
    /// SHA-256 over the whole plan (every split's bucket count and each shard's file, sample
    /// ids and labels): parts with different plans saw different datasets.
    public var plan: String
    /// Hash buckets per split.
    public var buckets: [String: Int]
    /// The shard files this part owns, in plan order.
    public var shards: [String]
    /// Whether every owned shard has been produced.
    public var complete: Bool
    /// Entries of the shards produced so far, per split.
    public var splits: [String: [ShardEntry]]
    /// Samples of this part's shards that the stages rejected.
    public var rejected: [RejectedSample]
    /// Samples the layout's validation rejected (the same list in every part).
    public var invalid: [RejectedSample]
    /// `pid on host` of the writer.
    public var writer: String

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case dataset, config
        case configKey = "config_key"
        case toolVersion = "tool_version"
        case classes, part, parts, plan, buckets, shards, complete, splits, rejected, invalid
        case writer
    }

    /// Makes an empty, incomplete part manifest.
    public init(dataset: String, config: JSONValue, configKey: String, toolVersion: String,
                classes: [String], part: Int, parts: Int, plan: String, buckets: [String: Int],
                shards: [String], invalid: [RejectedSample]) {
        self.dataset = dataset
        self.config = config
        self.configKey = configKey
        self.toolVersion = toolVersion
        self.classes = classes
        self.part = part
        self.parts = parts
        self.plan = plan
        self.buckets = buckets
        self.shards = shards
        self.complete = false
        self.splits = [:]
        self.rejected = []
        self.invalid = invalid
        self.writer = "\(getpid()) on \(ProcessInfo.processInfo.hostName)"
    }

    /// `parts/part-<i>-of-<n>.json`, relative to the cache folder.
    public static func relativePath(part: Int, of parts: Int) -> String {
        "\(folderName)/part-\(part)-of-\(parts).json"
    }

    /// The part manifests present in `cacheFolder`, relative paths, sorted.
    public static func files(in cacheFolder: String) -> [String] {
        let folder = (cacheFolder as NSString).appendingPathComponent(folderName)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("part-") && $0.hasSuffix(".json") }.sorted()
            .map { "\(folderName)/\($0)" }
    }

    /// Reads a part manifest; `relative` is a path inside `cacheFolder`.
    public static func load(_ relative: String, cacheFolder: String) throws -> PartManifest {
        let path = (cacheFolder as NSString).appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CacheError(path: path, code: "missing", reason: "cannot read the part manifest")
        }
        do {
            return try JSONDecoder().decode(PartManifest.self, from: data)
        } catch {
            throw CacheError(path: path, code: "schema", reason: "not a valid part manifest: "
                             + "\(error)")
        }
    }

    /// Writes the part manifest atomically (temporary name, fsync, rename).
    public func save(cacheFolder: String) throws {
        let folder = (cacheFolder as NSString).appendingPathComponent(PartManifest.folderName)
        do {
            try FileManager.default.createDirectory(atPath: folder,
                                                    withIntermediateDirectories: true)
        } catch {
            throw CacheError(path: folder, code: "io", reason: "cannot create the folder: "
                             + "\(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self) + Data("\n".utf8)
        let path = (cacheFolder as NSString)
            .appendingPathComponent(PartManifest.relativePath(part: part, of: parts))
        try AtomicFile.write(data, to: path)
    }

    /// Records a produced shard's entry (replacing an earlier one of the same file).
    public mutating func record(_ entry: ShardEntry, split: String) {
        var list = splits[split, default: []].filter { $0.file != entry.file }
        list.append(entry)
        splits[split] = list.sorted { $0.file < $1.file }
    }
}
