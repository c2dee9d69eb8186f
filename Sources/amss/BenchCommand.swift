import Console
import Foundation
import Pipeline

/// `amss bench prep <root>`: `amss prep` and the Python reference script, back to back;
/// `amss bench read <cache-folder>`: shard reading against h5py (`BenchReadCommand`).
enum BenchCommand {
    static let help = """
        usage: amss bench SUBCOMMAND …   (amss bench SUBCOMMAND --help for each)
          prep <root> [--dataset D] [--python SCRIPT] [--workers N] [--skip-python]
                     the whole prep job against tools/bench/prep.py (below)
          audio <file or folder>…   the audio stage against librosa, clips per second
          frames …   frame extraction against the ffmpeg CLI / OpenCV
          read <cache-folder> …   shard reading against h5py
          tokenize …   `amss tokenize` against HF tokenizers and the Python BERT tokenizer
          train …   one training step (optionally against PyTorch), per-layer profile, loader
          learning …   the learning check on the demo data (minutes to hours)

        bench prep times the whole prep job on <root> twice, start-up included, each into a
        fresh temporary cache: this binary's `prep`, then SCRIPT (default tools/bench/prep.py,
        librosa + PIL + h5py with N worker processes) with python3; prints both wall times and
        the ratio. --dataset D (e.g. ks, nvgesture; not `folder`) or --json runs
        `BenchPrepCommand` instead: a full and an unchanged run, samples/s and seconds per
        stage (amss bench prep --dataset ks --help).
        """

    static func run(_ words: [String]) throws -> Int32 {
        if BenchPrepCommand.handles(words) { return try BenchPrepCommand.run(words) }
        if words.first == "tokenize" { return try BenchTokenizeCommand.run(Array(words[1...])) }
        if words.first == "read" {
            let arguments = try Arguments(words, valued: ["python", "split", "batch-size", "seed",
                                                          "passes"],
                                          allowedFlags: ["help", "skip-python", "json"])
            if arguments.flag("help") { Output.line(BenchReadCommand.help); return 0 }
            return try BenchReadCommand.run(arguments)
        }
        if words.first == "frames" { return try BenchFrames.run(Array(words.dropFirst())) }
        if words.first == "train" { return try BenchTrainCommand.run(Array(words.dropFirst())) }
        if words.first == "learning" {
            return try BenchTrainLearning.run(Array(words.dropFirst()))
        }
        if words.first == "audio" { return try BenchAudioCommand.run(Array(words.dropFirst())) }
        let arguments = try Arguments(words, valued: ["python", "workers", "dataset"],
                                      allowedFlags: ["help", "skip-python"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.count == 2, arguments.positional[0] == "prep" else {
            throw UsageError("bench needs a subcommand\n\n\(help)")
        }
        let root = arguments.positional[1]
        let workers = try arguments.integer("workers", default: 2, in: 1...256)
        let scratch = NSTemporaryDirectory() + "amss-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let executable = (try? FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let dataset = arguments.options["dataset"] ?? "crema"
        let ours = try time(executable, ["prep", dataset, root, "--cache", scratch + "/amss",
                                         "--workers", String(workers), "--quiet"])
        Output.line(String(format: "amss prep:          %8.2f s", ours))
        guard !arguments.flag("skip-python"), Layouts.canonicalName(dataset) == "crema" else {
            return 0
        }

        let script = arguments.options["python"] ?? "tools/bench/prep.py"
        guard FileManager.default.fileExists(atPath: script) else {
            throw UsageError("no Python reference script at \(script); pass --python")
        }
        let theirs = try time("/usr/bin/env", ["python3", script, root, scratch + "/python",
                                               "--workers", String(workers)])
        Output.line(String(format: "python (librosa):   %8.2f s", theirs))
        Output.line(String(format: "speed-up:           %8.2f ×", theirs / ours))
        return 0
    }

    /// Runs a program to completion and returns its wall time; its stdout is discarded and its
    /// stderr shown only when it fails. Shared by the bench subcommands that time whole tools.
    static func time(_ program: String, _ arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let started = Date()
        try process.run()
        let messages = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        guard process.terminationStatus == 0 else {
            let tail = String(decoding: messages.suffix(2_000), as: UTF8.self)
            throw PipelineError(path: program, code: "bench", reason: "`"
                                + arguments.joined(separator: " ") + "` exited with "
                                + "\(process.terminationStatus): \(tail)")
        }
        return seconds
    }
}
