import Cache
import Datasets
import Foundation

/// Produces the planned shards one by one: reuses a verified unchanged shard, or runs the stages
/// over its samples in parallel workers and writes it atomically.
struct ShardProducer {
    let folder: String
    let config: PipelineConfig
    let configKey: String
    let classes: [String]
    let previous: Manifest?
    let processors: [SampleProcessor]
    let progress: Progress

    /// Manifest entries per split, in plan order.
    private(set) var entries: [String: [ShardEntry]] = [:]
    /// Samples rejected by the stages (reused shards carry their earlier rejections).
    private(set) var rejected: [RejectedSample] = []
    private(set) var written = 0
    private(set) var reused = 0

    init(folder: String, config: PipelineConfig, configKey: String, classes: [String],
         previous: Manifest?, processors: [SampleProcessor], progress: Progress) {
        self.folder = folder
        self.config = config
        self.configKey = configKey
        self.classes = classes
        self.previous = previous
        self.processors = processors
        self.progress = progress
    }

    /// Reuses or builds `shard`.
    mutating func produce(_ shard: ShardPlan.Shard) throws {
        let path = (folder as NSString).appendingPathComponent(shard.file)
        if let (entry, stored) = reusableEntry(for: shard, at: path) {
            entries[shard.split, default: []].append(entry)
            // The stages rejected exactly the planned samples that the shard does not hold.
            let missing = Set(shard.samples.map(\.id)).subtracting(stored)
            rejected += (previous?.rejected ?? []).filter { missing.contains($0.id) }
            reused += 1
            progress.advance(by: shard.samples.count, note: "(\(shard.file) unchanged)")
            return
        }

        let results = process(shard.samples)
        var prepared: [PreparedSample] = []
        for result in results {
            switch result {
            case .success(let sample): prepared.append(sample)
            case .failure(let rejection): rejected.append(rejection)
            }
        }
        guard !prepared.isEmpty else {
            unlink(path)
            return
        }
        try ShardWriter.write(
            to: path, ids: prepared.map(\.id),
            columns: ShardAssembler.columns(of: prepared, config: config),
            attributes: ["identity": shard.identity, "config_key": configKey,
                         "dataset": config.dataset,
                         "schema_version": String(Manifest.currentSchemaVersion),
                         "frame_rule": config.frames.rule.rawValue],
            listAttributes: ["classes": classes], deflateLevel: config.deflate)
        let entry = ShardEntry(file: shard.file, samples: prepared.count,
                               sha256: try SHA256.hex(ofFile: path))
        entries[shard.split, default: []].append(entry)
        written += 1
    }

    /// The previous manifest's entry and the stored ids when the file on disk is that shard,
    /// unchanged.
    private func reusableEntry(for shard: ShardPlan.Shard,
                               at path: String) -> (ShardEntry, Set<String>)? {
        guard let old = previous?.splits[shard.split]?.first(where: { $0.file == shard.file }),
              let reader = try? ShardReader(path: path),
              (try? reader.stringAttribute("identity")) == [shard.identity],
              reader.sampleCount == old.samples,
              let ids = try? reader.ids(),
              (try? SHA256.hex(ofFile: path)) == old.sha256 else { return nil }
        return (old, Set(ids))
    }

    /// Runs the stages over `samples` with one worker per processor; results in input order.
    private func process(_ samples: [Sample]) -> [Result<PreparedSample, RejectedSample>] {
        var results = [Result<PreparedSample, RejectedSample>?](repeating: nil,
                                                                count: samples.count)
        let lock = NSLock()
        var next = 0
        let workers = processors
        let progress = self.progress
        results.withUnsafeMutableBufferPointer { slots in
            let output = slots
            DispatchQueue.concurrentPerform(iterations: workers.count) { worker in
                while true {
                    lock.lock()
                    let index = next
                    next += 1
                    lock.unlock()
                    guard index < samples.count else { return }
                    output[index] = workers[worker].process(samples[index])
                    progress.advance()
                }
            }
        }
        return results.compactMap { $0 }
    }
}
