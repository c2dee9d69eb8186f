import Console
import Foundation
import Media
import Pipeline

/// `amss bench audio <files or folders>`: the audio stage against librosa on the same files.
enum BenchAudioCommand {
    static let help = """
        usage: amss bench audio <file or folder>... [--config NAME|FILE] [--passes N]
                                [--batch K] [--rounds R] [--python SCRIPT] [--skip-python]
                                [--json]

        Times the audio stage (decode, resample, fit, STFT, output) single-threaded over the
        given files and every audio or video file under the given folders: one untimed pass
        that also drops files the stage rejects, then N timed passes (default 3) with this
        binary file by file (as amss prep runs the sources it does not batch: FLAC, Ogg,
        float WAV, video, long clips), N more with K clips resampled together (as it runs
        integer WAV files: 64 files per call, sorted by length; default 8, 1 skips them),
        then the same files and passes with SCRIPT (default tools/bench/audio.py:
        librosa.load + fit + stft + log) under python3. Prints clips per second for each,
        where the time goes, and the ratios; then the time to write the spectrograms into
        HDF5 shards as prep does (not in the ratios: the script writes nothing).
        --rounds R repeats all of that R times (default 1), alternating the sides, and ends
        with each ratio's median and range over the rounds: librosa's own time moves by
        about 10 % from one run to the next. --config takes a built-in pipeline name (crema,
        ks) or a pipeline config file; default crema.
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words,
                                      valued: ["config", "passes", "batch", "rounds", "python"],
                                      allowedFlags: ["help", "skip-python", "json"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard !arguments.positional.isEmpty else {
            throw UsageError("bench audio needs files or folders\n\n\(help)")
        }
        let passes = try arguments.integer("passes", default: 3, in: 1...1000)
        let rounds = try arguments.integer("rounds", default: 1, in: 1...100)
        let batch = try arguments.integer("batch", default: SpectrogramExtractor.defaultBatch,
                                          in: 1...64)
        let pipeline = try config(arguments.options["config"] ?? "crema")
        let audio = pipeline.audio
        var files = try BenchAudioFiles.collect(arguments.positional)

        var reports: [BenchAudioReport] = []
        for round in 1...rounds {
            let report = try measure(files, arguments: arguments, config: audio,
                                     passes: passes, batch: batch,
                                     shardSize: pipeline.shardSize)
            files = report.usable
            reports.append(report)
            guard !arguments.flag("json") else { continue }
            if rounds > 1 { Output.line("round \(round) of \(rounds):") }
            report.lines.forEach(Output.line)
        }

        let summary = BenchAudioRounds(reports: reports)
        if arguments.flag("json") {
            if rounds > 1 { try Output.json(summary) } else { try Output.json(reports[0]) }
        } else if rounds > 1 {
            summary.lines.forEach(Output.line)
        }
        return 0
    }

    /// One round: our stage file by file, batched (unless `batch` is 1), then the Python
    /// script, over `files`; the first round also drops the files our stage rejects.
    private static func measure(_ files: [String], arguments: Arguments, config audio: AudioConfig,
                                passes: Int, batch: Int, shardSize: Int) throws
        -> BenchAudioReport {
        let ours = try BenchAudioRun.measure(files: files, config: audio, passes: passes)
        guard !ours.usable.isEmpty else {
            ours.rejected.forEach { Output.error("amss: rejected \($0.message)") }
            throw PipelineError(path: arguments.positional.joined(separator: " "),
                                code: "no-usable-audio",
                                reason: "none of the \(files.count) files gives a spectrogram "
                                    + "(each file's reason is above)")
        }
        let batched = batch > 1
            ? try BenchAudioRun.measure(files: ours.usable, config: audio, passes: passes,
                                        batch: batch)
            : nil
        var python: BenchAudioPython.Result?
        if !arguments.flag("skip-python") {
            let script = arguments.options["python"] ?? "tools/bench/audio.py"
            python = try BenchAudioPython.run(script: script, files: ours.usable, config: audio,
                                              passes: passes)
        }
        let write = try BenchAudioWrite.msPerClip(files: ours.usable, config: audio,
                                                  shardSize: shardSize)
        return BenchAudioReport(ours: ours, batched: batched, batch: batch, python: python,
                                writeMsPerClip: write, shardSize: shardSize, config: audio)
    }

    /// The pipeline configuration named `name` (built in) or stored at path `name` (laid over
    /// the built-in configuration of the dataset it names, `crema` when it names none).
    private static func config(_ name: String) throws -> PipelineConfig {
        if let builtIn = PipelineConfig.builtIn(name) { return builtIn }
        guard let data = FileManager.default.contents(atPath: name) else {
            throw UsageError("--config: no built-in pipeline or readable file named '\(name)'")
        }
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        let dataset = object?["dataset"] as? String ?? "crema"
        return try PipelineConfig.load(path: name, dataset: dataset).validated(path: name)
    }
}
