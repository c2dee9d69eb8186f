import Foundation

/// One shard as the manifest lists it.
public struct ShardEntry: Codable, Equatable {
    /// The shard's path relative to the cache folder, e.g. `train/shard-00000.h5`.
    public let file: String
    /// The number of samples in it.
    public let samples: Int
    /// The SHA-256 of the file's bytes, lower-case hex.
    public let sha256: String

    /// Makes an entry.
    public init(file: String, samples: Int, sha256: String) {
        self.file = file
        self.samples = samples
        self.sha256 = sha256
    }
}

/// A sample that could not be prepared, with the file and the reason.
public struct RejectedSample: Codable, Equatable, Error {
    /// The sample id, verbatim.
    public let id: String
    /// The file that failed.
    public let path: String
    /// A stable code, e.g. `not-audio`.
    public let code: String
    /// The reason in words.
    public let reason: String

    /// Makes a rejected-sample record.
    public init(id: String, path: String, code: String, reason: String) {
        self.id = id
        self.path = path
        self.code = code
        self.reason = reason
    }
}

/// The source of truth of a cache folder: what was prepared, how, and where it is.
public struct Manifest: Codable {
    /// The version of the shard schema this manifest describes.
    public static let currentSchemaVersion = 1

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

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case dataset, config
        case configKey = "config_key"
        case toolVersion = "tool_version"
        case classes, splits, rejected
    }

    /// Makes a manifest.
    public init(dataset: String, config: JSONValue, configKey: String, toolVersion: String,
                classes: [String], splits: [String: [ShardEntry]], rejected: [RejectedSample]) {
        self.schemaVersion = Manifest.currentSchemaVersion
        self.dataset = dataset
        self.config = config
        self.configKey = configKey
        self.toolVersion = toolVersion
        self.classes = classes
        self.splits = splits
        self.rejected = rejected
    }

    /// The manifest file of a cache folder.
    public static func path(inCacheFolder folder: String) -> String {
        (folder as NSString).appendingPathComponent("manifest.json")
    }

    /// Reads `manifest.json` from `cacheFolder`.
    public static func load(cacheFolder: String) throws -> Manifest {
        let path = Manifest.path(inCacheFolder: cacheFolder)
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

    /// Writes the manifest atomically as pretty-printed JSON with sorted keys.
    public func save(cacheFolder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        try AtomicFile.write(data + Data("\n".utf8), to: Manifest.path(inCacheFolder: cacheFolder))
    }
}
