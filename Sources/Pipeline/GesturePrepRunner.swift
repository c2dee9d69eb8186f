import Cache
import Datasets
import Foundation
import Media

/// `amss prep nvgesture`: scans the layout, runs the gesture stages in workers and writes
/// `rgb`, `depth` and (when flow files exist) `flow` shards with a manifest.
///
/// Shards hold `config.shardSize` gestures each, in list order per split:
/// `ids`, `label` int64 [N], `rgb` uint8 [N, T, H, W, 3], `depth` uint8 [N, T, H, W],
/// `flow` float16 [N, T, H, W, 2] with `flow_present` uint8 [N] (zeros where a gesture has no
/// flow file), deflate-compressed at `config.deflate`.
public enum GesturePrepRunner {
    // LIMITATION: every run rebuilds every shard (no reuse of unchanged shards, no --part) and
    // shards follow list order, not id buckets — the resumable shard producer is built around
    // the audio–visual sample type.
    /// Runs the stages; throws when the layout has a folder-wide error or nothing is usable.
    public static func run(root: String, cacheRoot: String, config: GestureConfig,
                           workers: Int = 2) throws -> PrepSummary {
        let started = Date()
        let scan = NVGestureLayout().scanGestures(root: root)
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

        let processors = try (0..<max(1, workers)).map { _ in
            try GestureProcessor(config: config, rootReal: base.real)
        }
        var rejected = errors.map {
            RejectedSample(id: $0.id, path: $0.path, code: $0.code, reason: $0.message)
        }
        var splits: [String: [ShardEntry]] = [:]
        for split in NVGestureLayout.splits {
            let gestures = scan.samples.filter { $0.sample.split == split }
            for (number, start) in stride(from: 0, to: gestures.count,
                                          by: config.shardSize).enumerated() {
                let chunk = Array(gestures[start..<min(gestures.count, start + config.shardSize)])
                let results = process(chunk, with: processors)
                let prepared = results.compactMap { try? $0.get() }
                rejected += results.compactMap { result in
                    if case .failure(let record) = result { return record }
                    return nil
                }
                guard !prepared.isEmpty else { continue }
                let file = "\(split)/shard-" + String(format: "%05d", number) + ".h5"
                let path = (folder as NSString).appendingPathComponent(file)
                try ShardWriter.write(
                    to: path, ids: prepared.map(\.id),
                    columns: columns(of: prepared, config: config),
                    attributes: ["config_key": key, "dataset": "nvgesture", "split": split,
                                 "schema_version": String(Manifest.currentSchemaVersion)],
                    listAttributes: ["classes": scan.classes], deflateLevel: config.deflate)
                splits[split, default: []].append(ShardEntry(
                    file: file, samples: prepared.count, sha256: try SHA256.hex(ofFile: path)))
            }
        }
        guard !splits.isEmpty else {
            throw PipelineError(path: root, code: "no-samples",
                                reason: "every gesture was rejected; see the manifest")
        }
        let manifest = Manifest(dataset: "nvgesture", config: try JSONValue.from(config),
                                configKey: key, toolVersion: PrepRunner.toolVersion,
                                classes: scan.classes, splits: splits, rejected: rejected)
        try manifest.save(cacheFolder: folder)
        let samples: [String: Int] = splits.mapValues { entries in
            entries.reduce(0) { $0 + $1.samples }
        }
        let byCode: [String: Int] = Dictionary(rejected.map { ($0.code, 1) },
                                               uniquingKeysWith: +)
        let shards: Int = splits.values.reduce(0) { $0 + $1.count }
        let warnings = scan.findings.filter { $0.severity == .warning }
        return PrepSummary(
            cacheFolder: folder, configKey: key, samples: samples, rejected: rejected.count,
            dropped: [:], rejectedByCode: byCode, warnings: warnings.count,
            warningsByCode: Dictionary(warnings.map { ($0.code, 1) }, uniquingKeysWith: +),
            shardsWritten: shards, shardsReused: 0, seconds: Date().timeIntervalSince(started),
            part: nil, manifestWritten: true)
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

    /// The shard's datasets.
    private static func columns(of gestures: [PreparedGesture],
                                config: GestureConfig) -> [ShardColumn] {
        let count = gestures.count
        let (frames, height, width) = (config.frames, config.height, config.width)
        var columns = [
            ShardColumn(name: "label", shape: [count], values: .int64(gestures.map {
                Int64($0.label) }), attributes: ["axes": "sample",
                                                "units": "index into the root attribute classes"]),
            ShardColumn(name: "rgb", shape: [count, frames, height, width, 3],
                        values: .uint8(gestures.flatMap(\.rgb)),
                        attributes: ["axes": "sample,frame,height,width,channel",
                                     "units": "8-bit RGB intensity"]),
            ShardColumn(name: "depth", shape: [count, frames, height, width],
                        values: .uint8(gestures.flatMap(\.depth)),
                        attributes: ["axes": "sample,frame,height,width",
                                     "units": "8-bit depth video value (BT.601 luma)"]),
        ]
        if gestures.contains(where: { $0.flow != nil }) {
            let zeros = [UInt16](repeating: 0, count: frames * height * width * 2)
            columns.append(ShardColumn(
                name: "flow", shape: [count, frames, height, width, 2],
                values: .float16(gestures.flatMap { $0.flow ?? zeros }),
                attributes: ["axes": "sample,frame,height,width,component",
                             "units": "pixels at the cached size (x, y)"]))
            columns.append(ShardColumn(
                name: "flow_present", shape: [count],
                values: .uint8(gestures.map { $0.flow == nil ? 0 : 1 }),
                attributes: ["axes": "sample", "units": "1 when flow was read, 0 for zeros"]))
        }
        return columns
    }
}
