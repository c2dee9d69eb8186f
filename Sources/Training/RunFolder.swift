import Foundation

/// The files of one run: `config.json`, `metrics.jsonl`, `metrics.tsv`, `best.ckpt`,
/// `last.ckpt`, `summary.json`.
public struct RunFolder {
    /// The folder.
    public let path: String
    /// The data's modality names, which name the uni-modal columns of `metrics.tsv`.
    public let modalities: [String]

    /// Opens the folder of a run: a new one (created with its parents, with empty metrics
    /// files) or, with `resuming`, an existing one whose files are kept. `modalities` name the
    /// uni-modal columns of `metrics.tsv`.
    ///
    /// - Throws: `TrainingError` when the folder cannot be created or written, or when
    ///   resuming a folder without `config.json`.
    public init(path: String, resuming: Bool = false,
                modalities: [String] = ["audio", "visual"]) throws {
        self.path = path
        self.modalities = modalities
        if resuming {
            guard FileManager.default.fileExists(atPath: configPath) else {
                throw TrainingError(path: path, reason: "not a run folder (no config.json)")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path,
                                                    withIntermediateDirectories: true)
            try Data().write(to: URL(fileURLWithPath: metricsPath))
            try Data(MetricsTable.header(modalities).utf8)
                .write(to: URL(fileURLWithPath: tablePath))
        } catch {
            throw TrainingError(path: path, reason: "cannot prepare the run folder: \(error)")
        }
    }

    /// `<path>/config.json`.
    public var configPath: String { file("config.json") }
    /// `<path>/metrics.jsonl`: one JSON object per epoch, one per line.
    public var metricsPath: String { file("metrics.jsonl") }
    /// `<path>/metrics.tsv`: the reference's columns, one row per epoch.
    public var tablePath: String { file("metrics.tsv") }
    /// `<path>/best.ckpt`: the model of the best epoch.
    public var checkpointPath: String { file("best.ckpt") }
    /// `<path>/last.ckpt`: the model and training state after the last finished epoch,
    /// replaced (atomically, by rename) every epoch rather than kept per epoch, so a run of 80
    /// width-1 epochs holds two checkpoints, not 80.
    public var lastCheckpointPath: String { file("last.ckpt") }
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
        /// How the selection split came about, in words.
        public var selectionNote: String
        /// The reference behaviours `--compat reference` turned on (empty without it).
        public var referenceBehaviours: [String]
        /// The keep-ratio rule: `paper`, `reference` or `reference-image-text` (nil in the
        /// configurations of older runs).
        public var keepRatioVariant: String?
        /// The tool, git revision and library versions (nil when not recorded).
        public var environment: RunEnvironment?

        enum CodingKeys: String, CodingKey {
            case options, classes, environment
            case cacheFolder = "cache_folder"
            case configKey = "config_key"
            case splitSizes = "split_sizes"
            case selectionSplit = "selection_split"
            case selectionNote = "selection_note"
            case referenceBehaviours = "reference_behaviours"
            case keepRatioVariant = "keep_ratio_variant"
        }
    }

    /// Writes `config.json` (pretty-printed, sorted keys).
    public func writeConfiguration(_ configuration: Configuration) throws {
        try write(configuration, to: configPath, pretty: true)
    }

    /// Reads `config.json`.
    public func readConfiguration() throws -> Configuration {
        try read(Configuration.self, from: configPath)
    }

    /// Appends one epoch as a line of `metrics.jsonl` and a row of `metrics.tsv`.
    public func append(_ metrics: EpochMetrics) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let line = try encoder.encode(metrics) + Data("\n".utf8)
            try appendData(line, to: metricsPath)
            try appendData(Data(MetricsTable.row(metrics, modalities: modalities).utf8),
                           to: tablePath)
        } catch {
            throw TrainingError(path: metricsPath, reason: "cannot append metrics: \(error)")
        }
    }

    /// Every epoch recorded in `metrics.jsonl`, in file order.
    ///
    /// - Throws: `TrainingError` naming the line that is not an epoch record.
    public func readMetrics() throws -> [EpochMetrics] {
        guard let data = FileManager.default.contents(atPath: metricsPath),
              let text = String(data: data, encoding: .utf8) else {
            throw TrainingError(path: metricsPath, reason: "cannot read the metrics")
        }
        return try text.split(separator: "\n").enumerated().map { number, line in
            do {
                return try JSONDecoder().decode(EpochMetrics.self, from: Data(line.utf8))
            } catch {
                throw TrainingError(path: metricsPath, reason: "line \(number + 1) is not an "
                                    + "epoch record: \(error)")
            }
        }
    }

    /// Replaces `metrics.jsonl` and `metrics.tsv` by the records of `history`.
    public func rewriteMetrics(_ history: [EpochMetrics]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            var lines = Data()
            for metrics in history { lines += try encoder.encode(metrics) + Data("\n".utf8) }
            try lines.write(to: URL(fileURLWithPath: metricsPath), options: .atomic)
            try Data(MetricsTable.text(history, modalities: modalities).utf8)
                .write(to: URL(fileURLWithPath: tablePath), options: .atomic)
        } catch {
            throw TrainingError(path: metricsPath, reason: "cannot rewrite metrics: \(error)")
        }
    }

    /// Writes `summary.json`.
    public func writeSummary(_ summary: TrainSummary) throws {
        try write(summary, to: summaryPath, pretty: true)
    }

    /// Reads `summary.json`.
    public func readSummary() throws -> TrainSummary {
        try read(TrainSummary.self, from: summaryPath)
    }

    private func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    private func appendData(_ data: Data, to target: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }

    private func read<T: Decodable>(_ type: T.Type, from source: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: source) else {
            throw TrainingError(path: source, reason: "no such file")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw TrainingError(path: source, reason: "unreadable: \(error)")
        }
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
