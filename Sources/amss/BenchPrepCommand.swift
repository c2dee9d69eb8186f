import Console
import Datasets
import Foundation
import Media
import Pipeline

/// `amss bench prep <root> --dataset D` for datasets without a Python reference (e.g. `ks`,
/// `nvgesture`), or with `--json`: the prep job twice in this process into one fresh cache
/// (a full run, then an unchanged rerun that reuses every shard), with samples per second and
/// the seconds per stage.
enum BenchPrepCommand {
    static let help = """
        usage: amss bench prep <root> --dataset D [--config FILE] [--workers N] [--json]

        Runs `amss prep D <root>` twice into one fresh temporary cache: a full run, then a rerun
        on the unchanged root (every shard reused), and prints each run's wall time, samples
        per second and shards written / reused, with the seconds per stage:
          nvgesture  scan, rgb, depth (decode + scale), flow read / flow compute (worker-thread
                     CPU time summed over workers), reuse check and write (wall time), as
                     measured inside the full run
          others     scan, then each stage run once per sample on one thread (thread CPU time:
                     audio decode / resample / fit / stft / scale, frames), apart from the runs
        --config FILE is the prep config (default: the built-in one; nvgesture: lite).
        --json prints one JSON object instead.
        """

    /// One timed prep run.
    struct Run: Encodable {
        let seconds: Double
        let samplesPerSecond: Double
        let shardsWritten: Int
        let shardsReused: Int

        enum CodingKeys: String, CodingKey {
            case seconds
            case samplesPerSecond = "samples_per_second"
            case shardsWritten = "shards_written", shardsReused = "shards_reused"
        }
    }

    /// The whole report.
    struct Report: Encodable {
        let dataset: String
        let root: String
        let workers: Int
        let samples: Int
        let first: Run
        let second: Run
        let stages: [String: Double]
        let stageClock: String

        enum CodingKeys: String, CodingKey {
            case dataset, root, workers, samples, first, second, stages
            case stageClock = "stage_clock"
        }
    }

    /// Whether this command (not the Python comparison of `BenchCommand`) handles `words`.
    static func handles(_ words: [String]) -> Bool {
        guard words.first == "prep" else { return false }
        if words.contains("--json") { return true }
        guard let at = words.firstIndex(of: "--dataset"), at + 1 < words.count else {
            return false
        }
        return Layouts.canonicalName(words[at + 1]) != "crema"
    }

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(Array(words.dropFirst()),
                                      valued: ["workers", "dataset", "config"],
                                      allowedFlags: ["help", "json", "skip-python"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.count == 1 else {
            throw UsageError("bench prep needs <root>\n\n\(help)")
        }
        let root = arguments.positional[0]
        let dataset = Layouts.canonicalName(arguments.options["dataset"] ?? "crema")
        let workers = try arguments.integer("workers", default: 2, in: 1...256)
        let scratch = NSTemporaryDirectory() + "amss-bench-prep-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let config = arguments.options["config"]
        let report = dataset == "nvgesture"
            ? try gestures(root: root, cache: scratch, config: config, workers: workers)
            : try staged(dataset: dataset, root: root, cache: scratch, config: config,
                         workers: workers)
        if arguments.flag("json") {
            try Output.json(report)
            return 0
        }
        Output.line("bench prep \(dataset) \(root): \(report.samples) samples, "
                    + "\(workers) workers")
        for (name, run) in [("first run (fresh cache)", report.first),
                            ("second run (unchanged)", report.second)] {
            Output.line("  " + name.padding(toLength: 24, withPad: " ", startingAt: 0)
                        + String(format: " %8.2f s %9.2f samples/s  (%d written, %d reused)",
                                 run.seconds, run.samplesPerSecond, run.shardsWritten,
                                 run.shardsReused))
        }
        Output.line("  stages (\(report.stageClock)):")
        for name in report.stages.keys.sorted() {
            Output.line("    " + name.padding(toLength: 16, withPad: " ", startingAt: 0)
                        + String(format: " %8.3f s", report.stages[name] ?? 0))
        }
        return 0
    }

    private static func run(_ summary: PrepSummary) -> Run {
        let samples = summary.samples.values.reduce(0, +)
        return Run(seconds: summary.seconds,
                   samplesPerSecond: Double(samples) / max(summary.seconds, 1e-9),
                   shardsWritten: summary.shardsWritten, shardsReused: summary.shardsReused)
    }

    /// NVGesture: both runs through `GesturePrepRunner`, stages from the full run.
    private static func gestures(root: String, cache: String, config path: String?,
                                 workers: Int) throws -> Report {
        let config = try path.map(GestureConfig.load) ?? .lite
        let (first, stages) = try GesturePrepRunner.runMeasured(
            root: root, cacheRoot: cache, config: config, workers: workers)
        let second = try GesturePrepRunner.run(root: root, cacheRoot: cache, config: config,
                                               workers: workers)
        return Report(dataset: "nvgesture", root: root, workers: workers,
                      samples: first.samples.values.reduce(0, +), first: run(first),
                      second: run(second), stages: stages,
                      stageClock: "inside the full run; worker stages in thread CPU seconds "
                        + "summed over workers, write and reuse check in wall seconds")
    }

    /// Other datasets: both runs through `PrepRunner`, stages run once more per sample.
    private static func staged(dataset: String, root: String, cache: String,
                               config: String?, workers: Int) throws -> Report {
        let words = [dataset, root, "--cache", cache, "--workers", String(workers)]
            + (config.map { ["--config", $0] } ?? [])
        let arguments = try Arguments(words, valued: ["cache", "workers", "config"],
                                      allowedFlags: [])
        var options = try PrepCommand.makeOptions(arguments)
        options.quiet = true
        let first = try PrepRunner.run(options)
        let second = try PrepRunner.run(options)
        let stages = try stageSeconds(options)
        return Report(dataset: dataset, root: root, workers: workers,
                      samples: first.samples.values.reduce(0, +), first: run(first),
                      second: run(second), stages: stages,
                      stageClock: "each stage once per sample on one thread, thread CPU "
                        + "seconds; scan in wall seconds")
    }

    /// Seconds per stage over every sample the layout lists, one thread.
    private static func stageSeconds(_ options: PrepOptions) throws -> [String: Double] {
        guard let layout = options.layout ?? Layouts.named(options.dataset,
                                                           config: options.config) else {
            throw UsageError("unknown dataset \(options.dataset)")
        }
        let started = Date()
        let scan = layout.scan(root: options.root)
        var seconds: [String: Double] = ["scan": Date().timeIntervalSince(started)]
        let inputs = options.config.inputs
        if inputs.contains(.audio) {
            let extractor = try SpectrogramExtractor(config: options.config.audio)
            for sample in scan.samples {
                guard let path = sample.sources["audio"] else { continue }
                _ = try? extractor.features(ofFile: path)
            }
            let timings = extractor.timings
            for (name, value) in [("audio decode", timings.decode),
                                  ("audio resample", timings.resample),
                                  ("audio fit", timings.fit), ("audio stft", timings.stft),
                                  ("audio scale", timings.scale)] {
                seconds[name] = value
            }
        }
        if inputs.contains(.frames) {
            let extractor = try FrameExtractor(config: options.config.frames, decoderThreads: 1)
            let begin = SpectrogramTimings.now()
            for sample in scan.samples {
                if let folder = sample.sources["frames"] {
                    _ = try? extractor.frames(fromFolder: folder)
                } else if let video = sample.sources["video"] {
                    _ = try? extractor.frames(fromVideo: video)
                }
            }
            seconds["frames"] = SpectrogramTimings.now() - begin
        }
        return seconds
    }
}
