import Foundation

/// A finished or unfinished run read back from its folder: configuration, epochs, summary.
public struct RunRecord {
    /// The run folder.
    public var folder: String
    /// `config.json`.
    public var configuration: RunFolder.Configuration
    /// `metrics.jsonl`, in epoch order.
    public var history: [EpochMetrics]
    /// `summary.json`, absent while the run has not finished.
    public var summary: TrainSummary?

    /// The folder's last path component.
    public var name: String { (folder as NSString).lastPathComponent }

    /// Reads a run folder.
    ///
    /// - Throws: `TrainingError` when `config.json` or `metrics.jsonl` is missing or unreadable.
    public init(folder: String) throws {
        let run = try RunFolder(path: folder, resuming: true)
        self.folder = folder
        configuration = try run.readConfiguration()
        history = try run.readMetrics()
        summary = FileManager.default.fileExists(atPath: run.summaryPath)
            ? try run.readSummary() : nil
    }

    /// The best epoch's record: the summary's, or else the highest valid (or, without one,
    /// test) accuracy so far, the first on ties.
    public var best: EpochMetrics? {
        if let summary, let record = history.first(where: { $0.epoch == summary.bestEpoch }) {
            return record
        }
        var best: EpochMetrics?
        for record in history {
            let score = record.validAcc ?? record.testAcc
            if best.map({ score > ($0.validAcc ?? $0.testAcc) }) ?? true { best = record }
        }
        return best
    }

    /// The ρ of every training step of the run for one modality (e.g. `audio`).
    public func keepRatioSteps(_ modality: String) -> [Double] {
        history.flatMap { $0.rhoSteps[modality] ?? [] }
    }

    /// The run's modality names, from its last epoch (audio and visual before any).
    public var modalities: [String] { history.last?.modalities ?? ["audio", "visual"] }
}

/// Mean and sample standard deviation (n − 1 in the denominator; 0 for one value).
public enum SeedStatistics {
    /// (mean, standard deviation) of `values`; (0, 0) when empty.
    public static func meanAndDeviation(_ values: [Double]) -> (mean: Double, deviation: Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, (squares / Double(values.count - 1)).squareRoot())
    }

    /// `mean ± deviation` with two decimals.
    public static func text(_ values: [Double]) -> String {
        let (mean, deviation) = meanAndDeviation(values)
        return String(format: "%.2f ± %.2f", mean, deviation)
    }
}
