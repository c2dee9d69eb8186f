import Console
import Foundation
import Training

/// `amss bench train`: the cost of the mask step inside a training step, per encoder width.
enum BenchTrainCommand {
    static let help = """
        usage: amss bench train [--method amss|amss+|...] [--widths 1,0.25 | --width W]
                                [--batch-size B | --batch B] [--steps N] [--warmup N]
                                [--threads N] [--sampler S] [--importance I] [--unbiased D]
                                [--seed S] [--profile] [--torch [--python SCRIPT]]
                                [--loader CACHE] [--shapes crema|ks] [--json]

        Times training steps of the audio–visual model on a synthetic batch of CREMA-D-shaped
        clips (spectrograms 257×188, frames 224×224, 6 classes), phase by phase, inside the
        trainer's own step, and prints the share of the mask step (scores, keep ratios,
        sampling, masking) in the whole step for each width. Target: at most 3 %.
          --method M      default amss
          --widths L      comma-separated width multipliers (default 1,0.25)
          --batch-size B  clips per step (default 16; the mask step does not depend on it, so
                          a smaller batch gives a larger, more conservative fraction)
          --steps N       timed steps per width (default 3), after --warmup N (default 1)
          --threads N     BLAS threads (default 2)
          --profile       also seconds per layer kind (conv, batch_norm, gelu, …) per step
          --torch         also time the same step in PyTorch (tools/bench/train.py, same
                          width, batch, threads and steps; with --profile, its per-operator
                          profile grouped by layer kind) and print the ratio ours / PyTorch
          --loader CACHE  also the clips/s ShardStream delivers from CACHE's train split (same
                          batch size, augmentation on), beside the trainer's consumption
                          (batch / train_step_s of the first width)
          --shapes S      crema (default: 257×188 spectrograms, one frame) or ks (257×1003
                          spectrograms, three frames per clip, 31 classes)
          --json          one JSON object with every measurement on stdout; `train_step_s` is
                          the first width's seconds per training step
        """

    /// One width's numbers, for `--json`.
    struct Row: Encodable {
        let width: Double
        let steps: Int
        let stepSeconds: Double
        let forward: Double
        let keepRatios: Double
        let backward: Double
        let masking: Double
        let modulation: Double
        let update: Double
        let maskStepSeconds: Double
        let maskFraction: Double
        let worstFraction: Double
        let profile: [String: Double]?
        var torch: BenchTrainTorch.Result?

        enum CodingKeys: String, CodingKey {
            case width, steps, forward, backward, masking, modulation, update, torch
            case stepSeconds = "train_step_s"
            case profile = "profile_s"
            case keepRatios = "keep_ratios"
            case maskStepSeconds = "mask_step_seconds"
            case maskFraction = "mask_fraction"
            case worstFraction = "worst_fraction"
        }
    }

    /// The `--json` object.
    struct Report: Encodable {
        let trainStepSeconds: Double
        let rows: [Row]
        let loaderSamplesPerSecond: Double?
        let trainerSamplesPerSecond: Double
        let peakMemoryMB: Double

        enum CodingKeys: String, CodingKey {
            case rows
            case peakMemoryMB = "peak_rss_mb"
            case trainStepSeconds = "train_step_s"
            case loaderSamplesPerSecond = "loader_samples_s"
            case trainerSamplesPerSecond = "trainer_samples_s"
        }
    }

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(
            words, valued: ["method", "widths", "batch-size", "steps", "warmup", "threads",
                            "sampler", "importance", "unbiased", "seed", "width", "batch",
                            "python", "loader", "shapes"],
            allowedFlags: ["help", "json", "profile", "torch"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.isEmpty else {
            throw UsageError("bench train takes no positional argument\n\n\(help)")
        }
        let widthList = arguments.options["width"] ?? arguments.options["widths"] ?? "1,0.25"
        let widths = try widthList.split(separator: ",")
            .map { text -> Double in
                guard let width = Double(text), width > 0, width.isFinite else {
                    throw UsageError("--widths takes positive numbers, got '\(text)'")
                }
                return width
            }

        let shapes = arguments.options["shapes"] ?? "crema"
        guard ["crema", "ks"].contains(shapes) else {
            throw UsageError("--shapes takes crema or ks, got '\(shapes)'")
        }
        var rows: [Row] = []
        let json = arguments.flag("json")
        if !json {
            Output.line("width  step s   forward  ratios   backward  masking  update   "
                        + "mask step  fraction  worst")
        }
        for width in widths {
            var options = TrainOptions(out: "bench")
            options.method = arguments.options["method"] ?? "amss"
            options.width = width
            options.batchSize = try arguments.integer(
                arguments.options["batch"] != nil ? "batch" : "batch-size", default: 16,
                in: 1...4096)
            options.threads = try arguments.integer("threads", default: 2, in: 1...256)
            options.seed = UInt64(try arguments.integer("seed", default: 42))
            options.sampler = arguments.options["sampler"] ?? options.sampler
            options.importance = arguments.options["importance"] ?? options.importance
            if let design = arguments.options["unbiased"] {
                options.unbiased = design == "exact" ? "systematic" : design
            }
            var configuration = StepBenchmark.Configuration(options: options)
            if shapes == "ks" {
                configuration.audioShape = [257, 1003]
                configuration.classCount = 31
                configuration.options.framesPerClip = 3
            }
            configuration.steps = try arguments.integer("steps", default: 3, in: 1...10_000)
            configuration.warmupSteps = try arguments.integer("warmup", default: 1,
                                                              in: 0...10_000)
            configuration.profile = arguments.flag("profile")

            let measurement = try StepBenchmark(configuration).run()
            let t = measurement.timings
            let row = Row(width: width, steps: measurement.steps, stepSeconds: t.total,
                          forward: t.forward, keepRatios: t.keepRatios, backward: t.backward,
                          masking: t.masking, modulation: t.modulation, update: t.update,
                          maskStepSeconds: t.maskStep, maskFraction: measurement.maskFraction,
                          worstFraction: measurement.worstFraction,
                          profile: configuration.profile ? measurement.layerSeconds : nil)
            var measured = row
            if arguments.flag("torch") {
                measured.torch = try BenchTrainTorch.run(
                    script: arguments.options["python"] ?? "tools/bench/train.py",
                    width: width, batch: options.batchSize, threads: options.threads,
                    steps: configuration.steps, warmup: configuration.warmupSteps,
                    profile: configuration.profile, ours: t.total)
            }
            rows.append(measured)
            if !json {
                Output.line(String(format: "%5.3f  %7.3f  %7.3f  %7.4f  %8.3f  %7.4f  %7.4f  "
                                   + "%9.4f  %7.2f %%  %5.2f %%", width, t.total, t.forward,
                                   t.keepRatios, t.backward, t.masking, t.update, t.maskStep,
                                   100 * measurement.maskFraction,
                                   100 * measurement.worstFraction))
                BenchTrainTorch.printDetails(measured)
            }
        }

        let met = rows.allSatisfy { $0.maskFraction <= 0.03 }
        let batch = try arguments.integer(
            arguments.options["batch"] != nil ? "batch" : "batch-size", default: 16,
            in: 1...4096)
        let step = rows.first?.stepSeconds ?? 0
        let consumption = step > 0 ? Double(batch) / step : 0
        let loader = try arguments.options["loader"].map {
            try LoaderBenchmark.samplesPerSecond(cacheFolder: $0, batchSize: batch)
        }
        if let loader, !json {
            Output.line(String(format: "loader %.1f clips/s, trainer consumes %.2f clips/s "
                               + "(%.0f× headroom)", loader, consumption,
                               consumption > 0 ? loader / consumption : .nan))
        }
        let peak = Self.peakMemoryMB()
        if json {
            try Output.json(Report(trainStepSeconds: step, rows: rows,
                                   loaderSamplesPerSecond: loader,
                                   trainerSamplesPerSecond: consumption, peakMemoryMB: peak))
        } else {
            Output.line(String(format: "peak resident memory %.0f MB", peak))
            Output.line("mask step ≤ 3 % of the step at every width: " + (met ? "yes" : "no"))
        }
        return 0
    }

    /// The process's peak resident set size in MB (getrusage `ru_maxrss`, kilobytes on Linux).
    static func peakMemoryMB() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Double(usage.ru_maxrss) / 1024
    }
}
