import Cache
import Datasets
import Foundation
import Media
import Text

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
    /// The layout to scan, when it is not the built-in one called `dataset` (a layout file's).
    public var layout: DatasetLayout?
    /// Worker threads for the stages.
    public var workers: Int = 2
    /// Stop at the first rejected sample instead of going on.
    public var failFast = false
    /// No progress output.
    public var quiet = false
    /// Compare sources by content hash (not size and modification time) and re-hash every
    /// shard before reusing it.
    public var strict = false
    /// Produce only part `index` of `count` (0-based) and its part manifest; nil for all.
    public var part: (index: Int, count: Int)?
    /// The WordPiece vocabulary file of the text stage; nil for the config's `text.vocab`.
    public var vocabulary: String?
    /// WAV files each worker resamples together (`SpectrogramExtractor.features(ofFiles:
    /// batch:)`); 1 for one by one. The shards are the same bytes either way.
    public var audioBatch: Int = SpectrogramExtractor.defaultBatch

    /// Makes options with the defaults above.
    public init(dataset: String, root: String, config: PipelineConfig) {
        self.dataset = dataset
        self.root = root
        self.config = config
    }
}

/// What `amss prep` did.
public struct PrepSummary: Codable {
    /// The cache folder (`<cache>/<dataset>/<config-key>`).
    public let cacheFolder: String
    /// The config key.
    public let configKey: String
    /// Prepared samples per split (of this part's shards, for a part).
    public let samples: [String: Int]
    /// Samples rejected by validation or by the stages.
    public let rejected: Int
    /// Rows left out per split because their media file is missing (a warning, not a
    /// rejection), e.g. `train` → 3.
    public let dropped: [String: Int]
    /// Rejected samples per finding code, e.g. `lfs-pointer` → 2.
    public let rejectedByCode: [String: Int]
    /// Stage warnings of prepared samples (each listed in the manifest's `warnings`) plus the
    /// validation warnings no stage repeated for the same sample and code.
    public let warnings: Int
    /// Those warnings per code, e.g. `truncated` → 1; they sum to `warnings`.
    public let warningsByCode: [String: Int]
    /// Shards built in this run.
    public let shardsWritten: Int
    /// Shards kept from an earlier run.
    public let shardsReused: Int
    /// Wall time of the run.
    public let seconds: Double
    /// `i/n` for a part run; nil for a whole run.
    public let part: String?
    /// Whether `manifest.json` was written (a whole run); a part leaves that to `cache merge`.
    public let manifestWritten: Bool

    enum CodingKeys: String, CodingKey {
        case cacheFolder = "cache_folder", configKey = "config_key", samples, rejected, warnings
        case warningsByCode = "warnings_by_code"
        case dropped
        case rejectedByCode = "rejected_by_code"
        case shardsWritten = "shards_written", shardsReused = "shards_reused", seconds, part
        case manifestWritten = "manifest_written"
    }
}

/// The staged pipeline: scan the layout, plan shards, run the stages in workers, write shards
/// atomically, reuse unchanged shards, record each in the part manifest, and (for a whole
/// run) merge into `manifest.json`.
public enum PrepRunner {
    /// The version written into manifests and run folders.
    public static let toolVersion = "0.1.0"

    /// Runs `prep`; throws when nothing usable could be written.
    public static func run(_ options: PrepOptions) throws -> PrepSummary {
        let started = Date()
        guard let layout = options.layout ?? Layouts.named(options.dataset,
                                                           config: options.config) else {
            throw PipelineError(path: options.dataset, code: "usage", reason: "unknown dataset; "
                                + "known: " + Layouts.names.joined(separator: ", "))
        }
        let (config, vocabulary) = try resolveText(options)
        let scan = layout.scan(root: options.root)
        let errors = scan.findings.filter { $0.severity == .error }
        if let layoutFile = errors.first(where: { $0.code == "layout" }) {
            throw PipelineError(path: layoutFile.path, code: "layout", reason: layoutFile.message)
        }
        guard let root = DatasetRoot(path: options.root), !scan.samples.isEmpty else {
            let first = errors.prefix(3).map(\.line).joined(separator: "; ")
            throw PipelineError(path: options.root, code: "no-samples", reason: "no usable "
                                + "samples (\(errors.count) errors; run `amss validate`): \(first)")
        }
        // A row that cannot be parsed, or whose id is empty, costs only itself: such findings
        // name the row (`table.csv:7`) or are row codes.
        let rowLevel = { (finding: Finding) in
            guard finding.id.isEmpty, !["bad-row", "unsafe-id"].contains(finding.code) else {
                return true
            }
            let line = finding.path.split(separator: ":", omittingEmptySubsequences: false)
            return line.count > 1 && line.last?.allSatisfy(\.isNumber) == true
        }
        if let folderWide = errors.first(where: { !rowLevel($0) }) {
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
        let lock = try CacheLock(folder: folder, part: options.part)
        defer { withExtendedLifetime(lock) {} }
        let (index, count) = options.part ?? (0, 1)
        let journalFile = PartManifest.relativePath(part: index, of: count)
        if options.part == nil {
            CacheFiles.remove(CacheFiles.temporaries(in: folder), in: folder)
        }
        let previous = (try? Manifest.load(cacheFolder: folder))
            ?? Manifest.loadWithdrawn(cacheFolder: folder)
        let recorded = CacheFolder.recordedEntries(in: folder, manifest: previous)

        let plan = ShardPlan(samples: scan.samples, shardSize: config.shardSize, configKey: key,
                             rootReal: root.real, previousBuckets: previous?.buckets ?? [:])
        let mine = plan.shards(part: index, of: count)
        CacheFolder.removeTemporaries(of: mine.map(\.file), partManifest: journalFile,
                                      in: folder)
        let invalid = scan.findings.filter { $0.severity == .error && rowLevel($0) }
            .map { RejectedSample(id: $0.id, path: $0.path, code: $0.code, reason: $0.message) }
        let journal = PartManifest(
            dataset: options.dataset, config: try JSONValue.from(config), configKey: key,
            toolVersion: toolVersion, classes: scan.classes, part: index, parts: count,
            plan: plan.digest, buckets: plan.buckets, shards: mine.map(\.file), invalid: invalid)

        let producer = try produce(mine, options: options, config: config,
                                   vocabulary: vocabulary, folder: folder, key: key,
                                   classes: scan.classes, rootReal: root.real,
                                   recorded: recorded, journal: journal)
        let entries = producer.journal.splits
        var manifestWritten = false
        if options.part == nil {
            guard entries.values.contains(where: { !$0.isEmpty }) else {
                throw PipelineError(path: options.root, code: "no-samples",
                                    reason: "every sample was rejected; see `amss validate`")
            }
            let others = PartManifest.files(in: folder).filter { $0 != journalFile }
            CacheFiles.remove(others, in: folder)
            _ = try ManifestMerger.commit(cacheFolder: folder)
            manifestWritten = true
        }

        var seen = Set<String>()
        let rejected = (invalid + producer.rejected).filter { record in
            seen.insert("\(record.id)\u{0}\(record.path)\u{0}\(record.code)").inserted
        }
        // a sample's problem that validation and a stage both warn of counts once
        let staged = Set(producer.warnings.map { "\($0.id)\u{0}\($0.code)" })
        let checkWarnings = scan.findings.filter {
            $0.severity == .warning && !staged.contains("\($0.id)\u{0}\($0.code)")
        }
        return PrepSummary(
            cacheFolder: folder, configKey: key,
            samples: entries.mapValues { $0.reduce(0) { $0 + $1.samples } },
            rejected: rejected.count, dropped: scan.dropped,
            rejectedByCode: Dictionary(rejected.map { ($0.code, 1) }, uniquingKeysWith: +),
            warnings: checkWarnings.count + producer.warnings.count,
            warningsByCode: Dictionary((checkWarnings.map(\.code)
                                           + producer.warnings.map(\.code)).map { ($0, 1) },
                                       uniquingKeysWith: +),
            shardsWritten: producer.written, shardsReused: producer.reused,
            seconds: Date().timeIntervalSince(started),
            part: options.part.map { "\($0.index)/\($0.count)" }, manifestWritten: manifestWritten)
    }

    /// The configuration with its text stage's vocabulary resolved (`PrepOptions.vocabulary`
    /// over `text.vocab`, digest recorded), and that vocabulary loaded; nil without text.
    private static func resolveText(_ options: PrepOptions) throws
        -> (PipelineConfig, Vocabulary?) {
        var config = options.config
        guard config.inputs.contains(.text) else { return (config, nil) }
        let text = try (config.text ?? TextConfig())
            .resolvingVocabulary(options.vocabulary, configPath: options.dataset + " config")
        config.text = text
        do {
            return (config, try Vocabulary(contentsOfFile: text.vocab))
        } catch {
            throw PipelineError(path: text.vocab, code: "missing-vocab",
                                reason: "not a usable vocabulary: \(error.reason)")
        }
    }

    /// Produces `shards` in order and marks the part manifest complete.
    private static func produce(_ shards: [ShardPlan.Shard], options: PrepOptions,
                                config: PipelineConfig, vocabulary: Vocabulary?,
                                folder: String, key: String, classes: [String], rootReal: String,
                                recorded: [String: [ShardEntry]],
                                journal: PartManifest) throws -> ShardProducer {
        let processors = try (0..<max(1, options.workers)).map { _ in
            try SampleProcessor(config: config, rootReal: rootReal, vocabulary: vocabulary,
                                audioBatch: options.audioBatch)
        }
        let label = options.part.map { "prep \(options.dataset) part \($0.index)/\($0.count)" }
            ?? "prep \(options.dataset)"
        let progress = Progress(label: label, total: shards.reduce(0) { $0 + $1.samples.count },
                                quiet: options.quiet)
        var producer = ShardProducer(folder: folder, config: config, configKey: key,
                                     classes: classes, rootReal: rootReal, recorded: recorded,
                                     strict: options.strict, processors: processors,
                                     progress: progress, journal: journal)
        for shard in shards {
            try producer.produce(shard)
            if options.failFast, let first = producer.rejected.first {
                throw PipelineError(path: first.path, code: first.code, reason: first.reason)
            }
        }
        progress.finish()
        var finished = producer.journal
        finished.complete = true
        try finished.save(cacheFolder: folder)
        return producer
    }
}
