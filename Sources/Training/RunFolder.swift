import Foundation

/// The files of one run: `config.json`, `metrics.jsonl`, `best.ckpt`, `summary.json`.
public struct RunFolder {
    /// The folder.
    public let path: String

    /// Creates the folder (and its parents) when needed and starts an empty `metrics.jsonl`.
    ///
    /// - Throws: `TrainingError` when the folder cannot be created or written.
    public init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path,
                                                    withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: metricsPath))
        } catch {
            throw TrainingError(path: path, reason: "cannot prepare the run folder: \(error)")
        }
    }

    /// `<path>/config.json`.
    public var configPath: String { file("config.json") }
    /// `<path>/metrics.jsonl`: one JSON object per epoch, one per line.
    public var metricsPath: String { file("metrics.jsonl") }
    /// `<path>/best.ckpt`.
    public var checkpointPath: String { file("best.ckpt") }
    /// `<path>/summary.json`.
    public var summaryPath: String { file("summary.json") }

    /// The run's configuration as written to `config.json`.
    public struct Configuration: Codable {
        /// Every option of the run.
        public var options: TrainOptions
        /// The cache folder trained on.
        public var cacheFolder: String
        /// The cache's config key.
        public var configKey: String
        /// Class names in index order.
        public var classes: [String]
        /// Clips per split.
        public var splitSizes: [String: Int]
        /// The split that chooses the best epoch.
        public var selectionSplit: String
        /// The reference behaviours `--compat reference` turned on (empty without it).
        public var referenceBehaviours: [String]

        enum CodingKeys: String, CodingKey {
            case options, classes
            case cacheFolder = "cache_folder"
            case configKey = "config_key"
            case splitSizes = "split_sizes"
            case selectionSplit = "selection_split"
            case referenceBehaviours = "reference_behaviours"
        }
    }

    /// Writes `config.json` (pretty-printed, sorted keys).
    public func writeConfiguration(_ configuration: Configuration) throws {
        try write(configuration, to: configPath, pretty: true)
    }

    /// Appends one epoch as a line of `metrics.jsonl`.
    public func append(_ metrics: EpochMetrics) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let line = try encoder.encode(metrics) + Data("\n".utf8)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: metricsPath))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        } catch {
            throw TrainingError(path: metricsPath, reason: "cannot append metrics: \(error)")
        }
    }

    /// Writes `summary.json`.
    public func writeSummary(_ summary: TrainSummary) throws {
        try write(summary, to: summaryPath, pretty: true)
    }

    private func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    private func write<T: Encodable>(_ value: T, to target: String, pretty: Bool) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                                          : [.sortedKeys]
        do {
            try (encoder.encode(value) + Data("\n".utf8)).write(to: URL(fileURLWithPath: target),
                                                               options: .atomic)
        } catch {
            throw TrainingError(path: target, reason: "cannot write: \(error)")
        }
    }
}
