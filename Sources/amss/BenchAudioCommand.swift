import Console
import Foundation
import Media
import Pipeline

/// `amss bench audio <files or folders>`: the audio stage against librosa on the same files.
enum BenchAudioCommand {
    static let help = """
        usage: amss bench audio <file or folder>... [--config NAME|FILE] [--passes N]
                                [--batch K] [--python SCRIPT] [--skip-python] [--json]

        Times the audio stage (decode, resample, fit, STFT, output) single-threaded over the
        given files and every audio or video file under the given folders: one untimed pass
        that also drops files the stage rejects, then N timed passes (default 3) with this
        binary file by file (as amss prep runs the sources it does not batch: FLAC, Ogg,
        float WAV, video, long clips), N more with K clips resampled together (as it runs
        integer WAV files: 64 files per call, sorted by length; default 8, 1 skips them),
        then the same files and passes with SCRIPT (default tools/bench/audio.py:
        librosa.load + fit + stft + log) under python3. Prints clips per second for each,
        where the time goes, and the ratios. --config takes a built-in pipeline name (crema,
        ks) or a pipeline config file; default crema.
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["config", "passes", "batch", "python"],
                                      allowedFlags: ["help", "skip-python", "json"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard !arguments.positional.isEmpty else {
            throw UsageError("bench audio needs files or folders\n\n\(help)")
        }
        let passes = try arguments.integer("passes", default: 3, in: 1...1000)
        let audio = try config(arguments.options["config"] ?? "crema").audio
        let files = try BenchAudioFiles.collect(arguments.positional)

        let batch = try arguments.integer("batch", default: SpectrogramExtractor.defaultBatch,
                                          in: 1...64)
        let ours = try BenchAudioRun.measure(files: files, config: audio, passes: passes)
        guard !ours.usable.isEmpty else {
            ours.rejected.forEach { Output.error("amss: rejected \($0.message)") }
            throw MediaError(path: arguments.positional.joined(separator: " "),
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

        let report = BenchAudioReport(ours: ours, batched: batched, batch: batch, python: python,
                                      config: audio)
        if arguments.flag("json") {
            try Output.json(report)
        } else {
            report.lines.forEach(Output.line)
        }
        return 0
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
