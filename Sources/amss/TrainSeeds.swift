import Console
import Foundation
import Media
import Pipeline
import Training

/// `amss train --seeds 1,2,3`: one run per seed, then mean ± std over the runs.
enum TrainSeeds {
    /// What `--seeds` prints with `--json` and writes to `<out>/seeds.json`.
    struct Report: Encodable {
        struct Statistic: Encodable {
            let mean: Double
            let std: Double
            let values: [Double]
        }

        let seeds: [UInt64]
        let runs: [String]
        /// Metric name → mean, sample standard deviation and the per-seed values, at each
        /// run's best epoch.
        let metrics: [String: Statistic]
    }

    /// The seeds of `1,2,3`.
    static func parse(_ text: String) throws -> [UInt64] {
        let seeds = text.split(separator: ",").map { UInt64($0) }
        guard !seeds.isEmpty, seeds.allSatisfy({ $0 != nil }) else {
            throw UsageError("--seeds takes non-negative integers S1,S2,…, got '\(text)'")
        }
        let values = seeds.compactMap { $0 }
        guard Set(values).count == values.count else {
            throw UsageError("--seeds lists a seed twice: '\(text)'")
        }
        return values
    }

    /// Trains once per seed into `<out>/seed-<S>` and prints the mean ± std lines.
    static func run(cacheFolder: String, options: TrainOptions, seeds: [UInt64],
                    json: Bool) throws -> Int32 {
        let folders = seeds.map {
            (options.out as NSString).appendingPathComponent("seed-\($0)")
        }
        for folder in folders
        where FileManager.default.fileExists(atPath: folder + "/metrics.jsonl") {
            throw UsageError("\(folder) already holds a run; choose another --out")
        }
        for (seed, folder) in zip(seeds, folders) {
            var single = options
            single.seed = seed
            single.out = folder
            if !json { Output.line("seed \(seed): \(single.out)") }
            _ = try TrainCommand.train(cacheFolder: cacheFolder, options: single, quiet: json)
        }

        let records = try folders.map { try RunRecord(folder: $0) }
        let bests = records.compactMap(\.best)
        let modalities = records.first?.modalities ?? []
        let columns: [(String, (EpochMetrics) -> Double?)] = [
            ("test_acc", { $0.testAcc }), ("test_f1", { $0.testF1 }),
            ("test_map", { $0.testMAP }), ("test_auc", { $0.testAUC }),
        ] + modalities.map { name in ("test_acc_\(name)", { $0.testAccModality[name] }) }
        var metrics: [String: Report.Statistic] = [:]
        for (name, value) in columns {
            let values = bests.compactMap(value)
            guard values.count == bests.count, !values.isEmpty else { continue }
            let (mean, deviation) = SeedStatistics.meanAndDeviation(values)
            metrics[name] = .init(mean: mean, std: deviation, values: values)
        }
        let report = Report(seeds: seeds, runs: folders, metrics: metrics)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let path = (options.out as NSString).appendingPathComponent("seeds.json")
        try encoder.encode(report).write(to: URL(fileURLWithPath: path), options: .atomic)

        if json {
            try Output.json(report)
        } else {
            Output.line("over seeds \(seeds.map(String.init).joined(separator: ",")) (best "
                        + "epochs; mean ± sample std):")
            for (name, _) in columns {
                guard let statistic = metrics[name] else { continue }
                Output.line(String(format: "  %-16@ %.2f ± %.2f", name, statistic.mean,
                                   statistic.std))
            }
        }
        return 0
    }

    /// The tool version, the git revision of the checkout holding the executable, and the
    /// versions of the media and training libraries.
    static func environment() -> RunEnvironment {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return RunEnvironment(toolVersion: PrepRunner.toolVersion,
                              gitRevision: RunEnvironment.gitRevision(near: executable),
                              libraries: MediaLibraries.versions.merging(
                                  RunEnvironment.trainingLibraries) { a, _ in a })
    }
}
