import Console
import Foundation
import Pipeline
import Training

/// `amss bench learning`: the learning check on the `amss demo` data, over several seeds.
enum BenchTrainLearning {
    static let help = """
        usage: amss bench learning [--folder DIR] [--cache DIR] [--runs DIR] [--seeds 1,2,3]
                                   [--methods LIST] [--epochs N] [--width W] [--batch-size B]
                                   [--threads N]

        Writes the `amss demo` sample (DemoDataset with its fixed settings: 24/8/16 clips per
        emotion in train/valid/test; audio more informative than vision), prepares it, trains
        every method once per seed and prints, per method, the mean ± sample standard deviation
        over the seeds of the test accuracy and of the audio and visual uni-modal accuracies,
        all at the epoch chosen on the valid split, then the numbers of every run, the visual
        test accuracy per epoch and each method's visual accuracy against joint's (Welch t).
        Not part of the test suite (minutes to hours on a small machine).
          --methods LIST  default unimodal-audio,unimodal-visual,joint,ogm-ge,amss,amss+,
                          amss+exact (amss+ with --unbiased exact); also ogm
          --epochs N      default 24 (learning rate ×0.1 after 3/4 of them)
          --width W       encoder width multiplier (default 0.125)
          --batch-size B  default 16
          --threads N     BLAS threads (default 1)
          --runs DIR      run folders go to DIR/<method>-seed<S> (default runs/learning)
        """

    /// The single-encoder baselines (the premise: audio alone beats vision alone), then the
    /// multimodal methods.
    static let defaultMethods = "unimodal-audio,unimodal-visual,joint,ogm-ge,amss,amss+,amss+exact"

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(
            words, valued: ["folder", "cache", "runs", "seeds", "methods", "epochs", "width",
                            "batch-size", "threads"],
            allowedFlags: ["help"])
        if arguments.flag("help") { Output.line(help); return 0 }
        let folder = arguments.options["folder"] ?? "cache/learning-sample"
        let cache = arguments.options["cache"] ?? "cache"
        let runs = arguments.options["runs"] ?? "runs/learning"
        let seeds = try (arguments.options["seeds"] ?? "1,2,3").split(separator: ",").map {
            guard let seed = UInt64($0) else {
                throw UsageError("--seeds takes non-negative integers, got '\($0)'")
            }
            return seed
        }
        let methods = (arguments.options["methods"] ?? defaultMethods)
            .split(separator: ",").map(String.init)
        let epochs = try arguments.integer("epochs", default: 24, in: 1...10_000)
        let width = try arguments.number("width", default: 0.125)
        let batchSize = try arguments.integer("batch-size", default: 16, in: 1...4096)
        let threads = try arguments.integer("threads", default: 1, in: 1...256)
        for method in methods where options(for: method, out: "") == nil {
            throw UsageError("unknown method '\(method)' in --methods\n\n\(help)")
        }

        try? FileManager.default.removeItem(atPath: folder)
        let clips = try DemoDataset().write(to: folder)
        guard let config = PipelineConfig.builtIn("crema") else { return 1 }
        var prep = PrepOptions(dataset: "crema", root: folder, config: config)
        prep.cacheRoot = cache
        prep.quiet = true
        let prepared = try PrepRunner.run(prep)
        Output.line("demo sample: \(clips) clips → \(prepared.cacheFolder)")
        Output.line("settings: epochs \(epochs), width \(width), batch \(batchSize), "
                    + "threads \(threads), "
                    + "seeds \(seeds.map(String.init).joined(separator: ","))")

        var report = BenchTrainLearningReport()
        for method in methods {
            for seed in seeds {
                let out = "\(runs)/\(method)-seed\(seed)"
                guard var options = options(for: method, out: out) else { continue }
                options.seed = seed
                options.epochs = epochs
                options.width = width
                options.batchSize = batchSize
                options.threads = threads
                options.stepEpoch = max(1, epochs * 3 / 4)

                var history: [EpochMetrics] = []
                let trainer = try Trainer(cacheFolder: prepared.cacheFolder, options: options)
                let summary = try trainer.run { history.append($0) }
                guard let best = history.first(where: { $0.epoch == summary.bestEpoch }) else {
                    continue
                }
                report.runs.append(.init(method: method, seed: seed, bestEpoch: best.epoch,
                                         history: history))
                Output.line(String(format: "%-16@ seed %llu: test %6.2f  audio %@  visual %@  "
                                   + "(epoch %d, %.0f s)", method as NSString, seed,
                                   best.testAcc, cell(best.testAccAudio),
                                   cell(best.testAccVisual), best.epoch,
                                   history.reduce(0) { $0 + $1.seconds }))
            }
        }

        Output.line("")
        for line in report.lines { Output.line(line) }
        return 0
    }

    /// The training options of a method name of `--methods`, or nil for an unknown name.
    private static func options(for method: String, out: String) -> TrainOptions? {
        var options = TrainOptions(out: out)
        switch method {
        case "joint", "ogm", "ogm-ge", "amss", "amss+":
            options.method = method
        case "amss+exact":
            options.method = "amss+"
            options.unbiased = "systematic"
        case "unimodal-audio", "unimodal-visual":
            options.method = "unimodal"
            options.modality = String(method.dropFirst("unimodal-".count))
        default:
            return nil
        }
        return options
    }

    private static func cell(_ value: Double?) -> String {
        value.map { String(format: "%6.2f", $0) } ?? "     -"
    }
}
