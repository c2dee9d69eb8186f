import Cache
import Datasets
import Foundation
import Media

/// Produces planned shards one by one: reuses a verified unchanged shard, or runs the stages
/// over its samples in parallel workers and writes it atomically; records each shard in the
/// part manifest as soon as it is done, so a killed run resumes where it stopped.
struct ShardProducer {
    let folder: String
    let config: PipelineConfig
    let configKey: String
    let classes: [String]
    let rootReal: String
    /// Entries earlier runs recorded, by file.
    let recorded: [String: [ShardEntry]]
    /// Compare sources by content and re-hash every reused shard.
    let strict: Bool
    let processors: [SampleProcessor]
    let progress: Progress

    /// The part manifest, rewritten after every shard.
    private(set) var journal: PartManifest
    private(set) var written = 0
    private(set) var reused = 0

    init(folder: String, config: PipelineConfig, configKey: String, classes: [String],
         rootReal: String, recorded: [String: [ShardEntry]], strict: Bool,
         processors: [SampleProcessor], progress: Progress, journal: PartManifest) {
        self.folder = folder
        self.config = config
        self.configKey = configKey
        self.classes = classes
        self.rootReal = rootReal
        self.recorded = recorded
        self.strict = strict
        self.processors = processors
        self.progress = progress
        self.journal = journal
    }

    /// Samples rejected by the stages so far.
    var rejected: [RejectedSample] { journal.rejected }
    /// Samples prepared with a stage warning so far (of built and of reused shards).
    private(set) var warnings: [RejectedSample] = []

    /// Reuses or builds `shard`, then saves the part manifest.
    mutating func produce(_ shard: ShardPlan.Shard) throws {
        let path = (folder as NSString).appendingPathComponent(shard.file)
        var content: String?
        if strict { content = contentIdentity(of: shard) }
        if let entry = reusableEntry(for: shard, at: path, content: content) {
            journal.record(entry, split: shard.split)
            journal.rejected += entry.rejected ?? []
            warnings += entry.warnings ?? []
            try journal.save(cacheFolder: folder)
            reused += 1
            progress.advance(by: shard.samples.count, note: "(\(shard.file) unchanged)")
            return
        }

        let results = process(shard.samples)
        var prepared: [PreparedSample] = []
        var rejections: [RejectedSample] = []
        for result in results {
            switch result {
            case .success(let sample): prepared.append(sample)
            case .failure(let rejection): rejections.append(rejection)
            }
        }
        journal.rejected += rejections
        guard !prepared.isEmpty else {
            try withdrawManifest(beforeReplacing: path)
            unlink(path)
            try journal.save(cacheFolder: folder)
            return
        }

        try withdrawManifest(beforeReplacing: path)
        try write(prepared, shard: shard, to: path)
        let entry = ShardEntry(file: shard.file, samples: prepared.count,
                               sha256: try SHA256.hex(ofFile: path), stamp: FileStamp.of(path),
                               identity: shard.identity,
                               contentIdentity: content ?? contentIdentity(of: shard),
                               rejected: rejections,
                               warnings: prepared.flatMap(\.warnings))
        journal.record(entry, split: shard.split)
        warnings += entry.warnings ?? []
        try journal.save(cacheFolder: folder)
        written += 1
    }

    /// Before replacing or removing a file the manifest may list, withdraws the manifest, so a
    /// kill from here on leaves no manifest describing other bytes (the rerun or merge
    /// restores it).
    private func withdrawManifest(beforeReplacing path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        try Manifest.withdraw(cacheFolder: folder)
    }

    /// Writes the shard with its self-describing attributes.
    private func write(_ prepared: [PreparedSample], shard: ShardPlan.Shard,
                       to path: String) throws {
        let buckets = journal.buckets[shard.split] ?? 1
        var attributes = ["config_key": configKey, "dataset": config.dataset,
                          "schema_version": String(Manifest.currentSchemaVersion),
                          "split": shard.split,
                          "bucket": "\(shard.bucket) of \(buckets): samples whose "
                             + "FNV-1a-64(id) mod \(buckets) = \(shard.bucket), sorted by id"]
        let inputs = config.inputs
        if inputs.contains(.frames) { attributes["frame_rule"] = config.frames.rule.rawValue }
        if inputs.contains(.text) {
            attributes["text_mode"] = (config.text ?? TextConfig()).mode.rawValue
        }
        try ShardWriter.write(
            to: path, ids: prepared.map(\.id),
            columns: ShardAssembler.columns(of: prepared, config: config),
            attributes: attributes, listAttributes: ["classes": classes],
            deflateLevel: config.deflate)
    }

    private func contentIdentity(of shard: ShardPlan.Shard) -> String {
        SourceStamps.contentIdentity(of: shard.samples, place: shard.place, rootReal: rootReal)
    }

    // LIMITATION: without `strict`, a shard file whose size and modification time (to the
    // nanosecond) are unchanged is trusted without re-hashing, as make(1) trusts timestamps — a
    // same-size edit that restores the mtime goes unnoticed until `cache verify` or `--strict`.
    /// An earlier entry of this file made from the same inputs, when the file on disk is still
    /// that shard: same size and modification time, or (with `strict`, or when they differ)
    /// the same SHA-256. Its size and time are refreshed, its identity set to the current one.
    private func reusableEntry(for shard: ShardPlan.Shard, at path: String,
                               content: String?) -> ShardEntry? {
        guard let stamp = FileStamp.of(path) else { return nil }
        var digest: String?
        for old in recorded[shard.file] ?? [] {
            let sameInputs = strict ? (old.contentIdentity != nil && old.contentIdentity == content)
                : old.identity == shard.identity
            guard sameInputs else { continue }
            if strict || old.stamp != stamp {
                if digest == nil { digest = try? SHA256.hex(ofFile: path) }
                guard digest == old.sha256 else { continue }
            }
            var entry = old.restamped(stamp)
            entry.identity = shard.identity
            return entry
        }
        return nil
    }

    /// Runs the stages over `samples` with one worker per processor; results in input order.
    /// Each worker takes runs of samples consecutive in `SpectrogramExtractor.batchOrder` (by
    /// audio file size, when audio is batched) of its processor's audio run, less near the end
    /// (`AudioBatching.take`), and processes a run at once, so that its WAV sources are
    /// resampled together in batches of like length.
    private func process(_ samples: [Sample]) -> [Result<PreparedSample, RejectedSample>] {
        var results = [Result<PreparedSample, RejectedSample>?](repeating: nil,
                                                                count: samples.count)
        let lock = NSLock()
        var next = 0
        let workers = processors
        let progress = self.progress
        let order = workers.contains { $0.audioRun > 1 }
            ? SpectrogramExtractor.batchOrder(samples.map { $0.sources["audio"] })
            : Array(samples.indices)
        results.withUnsafeMutableBufferPointer { slots in
            let output = slots
            DispatchQueue.concurrentPerform(iterations: workers.count) { worker in
                let processor = workers[worker]
                while true {
                    lock.lock()
                    let start = next
                    let count = AudioBatching.take(remaining: samples.count - start,
                                                   workers: workers.count,
                                                   run: processor.audioRun)
                    next += count
                    lock.unlock()
                    guard count > 0 else { return }
                    let run = order[start..<(start + count)].map { samples[$0] }
                    for (offset, result) in processor.process(run).enumerated() {
                        output[order[start + offset]] = result
                        progress.advance()
                    }
                }
            }
        }
        return results.compactMap { $0 }
    }
}
