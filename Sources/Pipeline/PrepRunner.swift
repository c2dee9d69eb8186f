import Cache
import Datasets
import Foundation
import Media

/// What `amss prep` should do.
public struct PrepOptions {
    /// The dataset name, e.g. `crema`.
    public var dataset: String
    /// The dataset root folder.
    public var root: String
    /// The cache root; the cache folder is `<cacheRoot>/<dataset>/<config-key>`.
    public var cacheRoot: String = "cache"
    /// The pipeline configuration.
    public var config: PipelineConfig
    /// Worker threads for the stages.
    public var workers: Int = 2
    /// Stop at the first rejected sample instead of going on.
    public var failFast = false
    /// No progress output.
    public var quiet = false

    /// Makes options with the defaults above.
    public init(dataset: String, root: String, config: PipelineConfig) {
        self.dataset = dataset
        self.root = root
        self.config = config
    }
}

/// What `amss prep` did.
public struct PrepSummary: Codable {
    public let cacheFolder: String
    public let configKey: String
    /// Prepared samples per split.
    public let samples: [String: Int]
    public let rejected: Int
    /// Rejected samples per finding code, e.g. `lfs-pointer` → 2.
    public let rejectedByCode: [String: Int]
    public let warnings: Int
    public let shardsWritten: Int
    public let shardsReused: Int
    public let seconds: Double

    enum CodingKeys: String, CodingKey {
        case cacheFolder = "cache_folder", configKey = "config_key", samples, rejected, warnings
        case rejectedByCode = "rejected_by_code"
        case shardsWritten = "shards_written", shardsReused = "shards_reused", seconds
    }
}

/// The staged pipeline: scan the layout, plan shards, run the stages in workers, write shards
/// atomically, reuse unchanged shards, write the manifest.
public enum PrepRunner {
    /// The version written into manifests and run folders.
    public static let toolVersion = "0.1.0"

    /// Runs `prep`; throws when nothing usable could be written.
    public static func run(_ options: PrepOptions) throws -> PrepSummary {
        let started = Date()
        guard let layout = Layouts.named(options.dataset) else {
            throw PipelineError(path: options.dataset, code: "usage", reason: "unknown dataset; "
                                + "known: " + Layouts.names.joined(separator: ", "))
        }
        let config = options.config
        let scan = layout.scan(root: options.root)
        let errors = scan.findings.filter { $0.severity == .error }
        guard let root = DatasetRoot(path: options.root), !scan.samples.isEmpty else {
            let first = errors.prefix(3).map(\.line).joined(separator: "; ")
            throw PipelineError(path: options.root, code: "no-samples", reason: "no usable "
                                + "samples (\(errors.count) errors; run `amss validate`): \(first)")
        }
        if let folderWide = errors.first(where: { $0.id.isEmpty }) {
            throw PipelineError(path: folderWide.path, code: folderWide.code,
                                reason: folderWide.message + " (a whole split would be lost; "
                                    + "fix it, see `amss validate`)")
        }
        if options.failFast, let first = errors.first {
            throw PipelineError(path: first.path, code: first.code, reason: first.message)
        }
        let key = try config.key(sourceRoot: root.real)

        let folder = ((options.cacheRoot as NSString).appendingPathComponent(options.dataset)
            as NSString).appendingPathComponent(key)
        try CacheFolder.create(folder)
        let lock = try CacheLock(folder: folder)
        defer { withExtendedLifetime(lock) {} }
        CacheFolder.removeTemporaries(in: folder)
        let previous = try? Manifest.load(cacheFolder: folder)

        let plan = ShardPlan(samples: scan.samples, shardSize: config.shardSize, configKey: key,
                             rootReal: root.real)
        let processors = try (0..<max(1, options.workers)).map { _ in
            try SampleProcessor(config: config, rootReal: root.real)
        }
        let progress = Progress(label: "prep \(options.dataset)", total: scan.samples.count,
                                quiet: options.quiet)
        var writer = ShardProducer(folder: folder, config: config, configKey: key,
                                   classes: scan.classes, previous: previous,
                                   processors: processors, progress: progress)
        for shard in plan.shards {
            try writer.produce(shard)
            if options.failFast, let first = writer.rejected.first {
                throw PipelineError(path: first.path, code: first.code, reason: first.reason)
            }
        }
        progress.finish()
        CacheFolder.removeShards(in: folder, except: Set(plan.shards.map(\.file)))

        let validationRejects = scan.findings.filter { $0.severity == .error && !$0.id.isEmpty }
            .map { RejectedSample(id: $0.id, path: $0.path, code: $0.code, reason: $0.message) }
        var seen = Set<String>()
        let rejected = (validationRejects + writer.rejected).filter { record in
            seen.insert("\(record.id)\u{0}\(record.path)\u{0}\(record.code)").inserted
        }
        let entries = writer.entries
        guard entries.values.contains(where: { !$0.isEmpty }) else {
            throw PipelineError(path: options.root, code: "no-samples",
                                reason: "every sample was rejected; see `amss validate`")
        }
        let manifest = Manifest(dataset: options.dataset, config: try JSONValue.from(config),
                                configKey: key, toolVersion: toolVersion, classes: scan.classes,
                                splits: entries, rejected: rejected)
        try manifest.save(cacheFolder: folder)

        return PrepSummary(
            cacheFolder: folder, configKey: key,
            samples: entries.mapValues { $0.reduce(0) { $0 + $1.samples } },
            rejected: rejected.count,
            rejectedByCode: Dictionary(rejected.map { ($0.code, 1) }, uniquingKeysWith: +),
            warnings: scan.findings.filter { $0.severity == .warning }.count,
            shardsWritten: writer.written, shardsReused: writer.reused,
            seconds: Date().timeIntervalSince(started))
    }
}
