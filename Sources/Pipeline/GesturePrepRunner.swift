import Cache
import Datasets
import Foundation
import Media

/// `amss prep nvgesture`: scans the layout, runs the gesture stages in workers and writes
/// `rgb`, `depth` and `flow` shards with a manifest, reusing the unchanged shards of an
/// earlier run.
///
/// Shards follow `ShardPlan`: per split, FNV-1a-64(id) mod c hash buckets of about
/// `config.shardSize` gestures, sorted by id, so a changed, added or removed gesture rebuilds
/// only its own shard. Each holds `ids`, `label` int64 [N], `rgb` uint8 [N, T, H, W, 3],
/// `depth` uint8 [N, T, H, W] and, unless `flow` is `none`, `flow` float16 [N, T, H, W, 2]
/// with `flow_present` and `flow_computed` uint8 [N], deflate-compressed at `config.deflate`.
/// A shard is reused when its inputs' identity (`GestureShards.identity`) and its file's
/// size and modification time (or SHA-256) match the manifest's entry.
public enum GesturePrepRunner {
    // LIMITATION: a shard is compressed and written on the calling thread while the workers
    // wait (about half the wall time of the reference preset, deflate 4) — writing the previous
    // shard while the next one is prepared would hide it.
    /// Runs the stages; throws when the layout has a folder-wide error or nothing is usable.
    public static func run(root: String, cacheRoot: String, config: GestureConfig,
                           workers: Int = 2) throws -> PrepSummary {
        try runMeasured(root: root, cacheRoot: cacheRoot, config: config, workers: workers).0
    }

    /// `run`, also returning the seconds spent per stage (`scan`, `rgb`, `depth`,
    /// `flow read`, `flow compute` as worker-thread CPU time summed over workers; `write` and
    /// `reuse check` as wall time).
    public static func runMeasured(root: String, cacheRoot: String, config: GestureConfig,
                                   workers: Int = 2) throws -> (PrepSummary, [String: Double]) {
        let started = Date()
        let scan = NVGestureLayout().scanGestures(root: root)
        var seconds: [String: Double] = ["scan": Date().timeIntervalSince(started)]
        let errors = scan.findings.filter { $0.severity == .error }
        if let folderWide = errors.first(where: { $0.id.isEmpty }) {
            throw PipelineError(path: folderWide.path, code: folderWide.code,
                                reason: folderWide.message + " (see `amss validate`)")
        }
        guard let base = DatasetRoot(path: root), !scan.samples.isEmpty else {
            throw PipelineError(path: root, code: "no-samples", reason: "no usable gestures "
                                + "(\(errors.count) errors; run `amss validate nvgesture`)")
        }
        let key = try configKey(config, sourceRoot: base.real)
        let folder = ((cacheRoot as NSString).appendingPathComponent("nvgesture")
            as NSString).appendingPathComponent(key)
        try CacheFolder.create(folder)
        let lock = try CacheLock(folder: folder, part: nil)
        defer { withExtendedLifetime(lock) {} }
        CacheFiles.remove(CacheFiles.temporaries(in: folder), in: folder)
        let previous = (try? Manifest.load(cacheFolder: folder))
            ?? Manifest.loadWithdrawn(cacheFolder: folder)
        let recorded = CacheFolder.recordedEntries(in: folder, manifest: previous)
        let plan = ShardPlan(samples: scan.samples.map(\.sample), shardSize: config.shardSize,
                             configKey: key, rootReal: base.real,
                             previousBuckets: previous?.buckets ?? [:])
        let gestures = Dictionary(scan.samples.map { ($0.sample.id, $0) }) { first, _ in first }

        let processors = try (0..<max(1, workers)).map { _ in
            try GestureProcessor(config: config, rootReal: base.real)
        }
        var rejected = errors.map {
            RejectedSample(id: $0.id, path: $0.path, code: $0.code, reason: $0.message)
        }
        var splits: [String: [ShardEntry]] = [:]
        var (written, reused) = (0, 0)
        for shard in plan.shards {
            let checking = Date()
            let identity = GestureShards.identity(of: shard, gestures: gestures)
            if let entry = GestureShards.reusable(file: shard.file, identity: identity,
                                                  folder: folder, recorded: recorded) {
                splits[shard.split, default: []].append(entry)
                rejected += entry.rejected ?? []
                reused += 1
                seconds["reuse check", default: 0] += Date().timeIntervalSince(checking)
                continue
            }
            seconds["reuse check", default: 0] += Date().timeIntervalSince(checking)
            let results = process(shard.samples.compactMap { gestures[$0.id] }, with: processors)
            let prepared = results.compactMap { try? $0.get() }
            let failures = results.compactMap { result -> RejectedSample? in
                if case .failure(let record) = result { return record }
                return nil
            }
            rejected += failures
            let path = (folder as NSString).appendingPathComponent(shard.file)
            if FileManager.default.fileExists(atPath: path) {
                try Manifest.withdraw(cacheFolder: folder)
            }
            guard !prepared.isEmpty else {
                unlink(path)
                continue
            }
            let writing = Date()
            try write(prepared, shard: shard, buckets: plan.buckets[shard.split] ?? 1,
                      to: path, key: key, config: config, classes: scan.classes)
            splits[shard.split, default: []].append(ShardEntry(
                file: shard.file, samples: prepared.count, sha256: try SHA256.hex(ofFile: path),
                stamp: FileStamp.of(path), identity: identity, contentIdentity: nil,
                rejected: failures))
            seconds["write", default: 0] += Date().timeIntervalSince(writing)
            written += 1
        }
        for processor in processors {
            seconds.merge(processor.seconds, uniquingKeysWith: +)
        }
        guard !splits.isEmpty else {
            throw PipelineError(path: root, code: "no-samples",
                                reason: "every gesture was rejected; see the manifest")
        }
        let manifest = Manifest(dataset: "nvgesture", config: try JSONValue.from(config),
                                configKey: key, toolVersion: PrepRunner.toolVersion,
                                classes: scan.classes, splits: splits, rejected: rejected,
                                buckets: plan.buckets)
        try manifest.save(cacheFolder: folder)
        let listed = Set(splits.values.flatMap { $0.map(\.file) })
        CacheFiles.remove(CacheFiles.shardFiles(in: folder).filter { !listed.contains($0) },
                          in: folder)
        unlink(Manifest.withdrawnPath(inCacheFolder: folder))

        let byCode: [String: Int] = Dictionary(rejected.map { ($0.code, 1) },
                                               uniquingKeysWith: +)
        let warnings = scan.findings.filter { $0.severity == .warning }
        let summary = PrepSummary(
            cacheFolder: folder, configKey: key, samples: splits.mapValues { entries in
                entries.reduce(0) { $0 + $1.samples } },
            rejected: rejected.count, dropped: [:], rejectedByCode: byCode,
            warnings: warnings.count,
            warningsByCode: Dictionary(warnings.map { ($0.code, 1) }, uniquingKeysWith: +),
            shardsWritten: written, shardsReused: reused,
            seconds: Date().timeIntervalSince(started), part: nil, manifestWritten: true)
        return (summary, seconds)
    }

    /// Writes one shard with its self-describing attributes.
    private static func write(_ prepared: [PreparedGesture], shard: ShardPlan.Shard,
                              buckets: Int, to path: String, key: String, config: GestureConfig,
                              classes: [String]) throws {
        try ShardWriter.write(
            to: path, ids: prepared.map(\.id),
            columns: GestureShards.columns(of: prepared, config: config),
            attributes: ["config_key": key, "dataset": "nvgesture", "split": shard.split,
                         "schema_version": String(Manifest.currentSchemaVersion),
                         "bucket": "\(shard.bucket) of \(buckets): gestures whose "
                            + "FNV-1a-64(id) mod \(buckets) = \(shard.bucket), sorted by id"],
            listAttributes: ["classes": classes], deflateLevel: config.deflate)
    }

    /// SHA-256 (16 hex digits) over the config, the schema version, the libraries that change
    /// the numbers and the dataset root's real path.
    static func configKey(_ config: GestureConfig, sourceRoot: String) throws -> String {
        let identity: JSONValue = .object([
            "config": try JSONValue.from(config),
            "schema_version": .number(Double(Manifest.currentSchemaVersion)),
            "libraries": .object(MediaLibraries.versions.mapValues { JSONValue.string($0) }),
            "source_root": .string(sourceRoot),
        ])
        return String(SHA256.hex(of: try identity.canonicalText()).prefix(16))
    }

    /// The gestures' results in input order, one worker per processor.
    private static func process(_ gestures: [NVGestureSample], with processors: [GestureProcessor])
        -> [Result<PreparedGesture, RejectedSample>] {
        var results = [Result<PreparedGesture, RejectedSample>?](repeating: nil,
                                                                 count: gestures.count)
        let lock = NSLock()
        var next = 0
        results.withUnsafeMutableBufferPointer { slots in
            let output = slots
            DispatchQueue.concurrentPerform(iterations: processors.count) { worker in
                while true {
                    lock.lock()
                    let index = next
                    next += 1
                    lock.unlock()
                    guard index < gestures.count else { return }
                    output[index] = processors[worker].process(gestures[index])
                }
            }
        }
        return results.compactMap { $0 }
    }
}
