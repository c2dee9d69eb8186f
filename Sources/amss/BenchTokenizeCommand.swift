import Console
import Foundation
import Pipeline
import Text

/// `amss bench tokenize`: `amss tokenize` against HF `tokenizers` and the pure-Python tokenizer.
enum BenchTokenizeCommand {
    static let help = """
        usage: amss bench tokenize [--corpus FILE] [--vocab FILE] [--runs N]
                                   [--python SCRIPT] [--python-bin PYTHON] [--skip-python]

        Tokenizes one line corpus (default: the test corpus, Tests/TextTests/Fixtures/corpus/
        tweets.txt and rotten.txt, 9 066 real texts) with the bert-base-uncased vocabulary
        (default Tests/TextTests/Fixtures/vocab/bert-base-uncased.txt), single-threaded:
          1. this binary's `tokenize` as a whole process (start-up and vocabulary load
             included), N runs (default 5): median wall and median CPU (user + system) time;
          2. the same in-process (LineTokenizer over the corpus, vocabulary load excluded);
          3. SCRIPT (default tools/bench/tokenize_bench.py) with PYTHON (default
             tools/.venv/bin/python if present, else python3): HF tokenizers' encode_batch
             and the pure-Python BertTokenizerLegacy, in-process times, and how many lines
             of ours and of HF tokenizers equal the reference's ids.
        Prints the times, the throughputs and both ratios (their time / our whole process), in
        wall time and in CPU time (on a shared machine CPU time is the steadier of the two).
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["corpus", "vocab", "runs", "python",
                                                      "python-bin"],
                                      allowedFlags: ["help", "skip-python"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.isEmpty else {
            throw UsageError("bench tokenize takes no positional arguments\n\n\(help)")
        }
        let fixtures = "Tests/TextTests/Fixtures/"
        let vocabulary = arguments.options["vocab"] ?? fixtures + "vocab/bert-base-uncased.txt"
        let runs = try arguments.integer("runs", default: 5, in: 1...100)
        let scratch = NSTemporaryDirectory() + "amss-bench-tokenize-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch,
                                                withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let corpus = try corpusFile(arguments.positionalCorpora(fixtures), scratch: scratch)
        let size = try fileSize(corpus)
        let ours = scratch + "/amss.ids"
        // The `amss` command beside this binary (`amss-core`), which runs tokenize itself.
        let executable = (((try? FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]) as NSString)
            .deletingLastPathComponent + "/amss"
        var walls: [Double] = []
        var cpus: [Double] = []
        for _ in 0..<runs {
            let timing = try timeProcess(executable, ["tokenize", "--vocab", vocabulary],
                                         input: corpus, output: ours)
            walls.append(timing.wall)
            cpus.append(timing.cpu)
        }
        let whole = Timing(wall: walls.sorted()[runs / 2], cpu: cpus.sorted()[runs / 2])
        let (load, inProcess) = try timeInProcess(vocabulary: vocabulary, corpus: corpus)
        let megabytes = Double(size) / 1e6
        Output.line(String(format: "corpus: %@ (%d bytes)", corpus, size))
        Output.line(String(format: "amss tokenize, whole process (median of %d): %.3f s wall, "
                           + "%.3f s CPU (%.1f MB/s wall)", runs, whole.wall, whole.cpu,
                           megabytes / whole.wall))
        Output.line(String(format: "amss in-process (no start-up, no vocabulary load): %.3f s "
                           + "wall, %.3f s CPU (%.1f MB/s wall); vocabulary load %.3f s wall",
                           inProcess.wall, inProcess.cpu, megabytes / inProcess.wall,
                           load.wall))
        guard !arguments.flag("skip-python") else { return 0 }

        let script = arguments.options["python"] ?? "tools/bench/tokenize_bench.py"
        guard FileManager.default.fileExists(atPath: script) else {
            throw UsageError("no Python benchmark script at \(script); pass --python")
        }
        let python = arguments.options["python-bin"]
            ?? (FileManager.default.isExecutableFile(atPath: "tools/.venv/bin/python")
                ? "tools/.venv/bin/python" : "python3")
        let report = try pythonReport(python, [script, "--vocab", vocabulary, "--corpus", corpus,
                                               "--compare", ours, "--json"])
        let lines = report["lines"] as? Int ?? 0
        let hf = Timing(wall: report["hf_encode_s"] as? Double ?? .nan,
                        cpu: report["hf_encode_cpu_s"] as? Double ?? .nan)
        let legacy = Timing(wall: report["python_encode_s"] as? Double ?? .nan,
                            cpu: report["python_encode_cpu_s"] as? Double ?? .nan)
        Output.line(String(format: "HF tokenizers %@ encode_batch, in-process: %.3f s wall, "
                           + "%.3f s CPU (%.2f MB/s wall; vocabulary load %.3f s)",
                           report["tokenizers"] as? String ?? "?", hf.wall, hf.cpu,
                           megabytes / hf.wall, report["hf_load_s"] as? Double ?? .nan))
        Output.line(String(format: "Python BertTokenizerLegacy, in-process: %.3f s wall, %.3f s "
                           + "CPU (%.3f MB/s wall)", legacy.wall, legacy.cpu,
                           megabytes / legacy.wall))
        Output.line(String(format: "ratio HF tokenizers in-process / amss whole process: "
                           + "%.2f× wall, %.2f× CPU (in-process vs in-process: %.1f× wall)",
                           hf.wall / whole.wall, hf.cpu / whole.cpu, hf.wall / inProcess.wall))
        Output.line(String(format: "ratio Python in-process / amss whole process: %.1f× wall, "
                           + "%.1f× CPU", legacy.wall / whole.wall, legacy.cpu / whole.cpu))
        Output.line("lines identical to the reference: amss "
                    + "\(report["ours_equal_reference"] as? Int ?? 0)/\(lines), HF tokenizers "
                    + "\(report["hf_equal_reference"] as? Int ?? 0)/\(lines)")
        return 0
    }

    /// The corpus as one file: the given one, or the concatenation of several.
    private static func corpusFile(_ paths: [String], scratch: String) throws -> String {
        if paths.count == 1 { return paths[0] }
        var data = Data()
        for path in paths {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw PipelineError(path: path, code: "unreadable",
                                    reason: "cannot read the corpus file")
            }
            data.append(contents)
            if let last = contents.last, last != 0x0A { data.append(0x0A) }
        }
        let joined = scratch + "/corpus.txt"
        try data.write(to: URL(fileURLWithPath: joined))
        return joined
    }

    private static func fileSize(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Wall and CPU (user + system) seconds of one process run with stdin from `input` and
    /// stdout to `output`, from `posix_spawn` to `wait4` (Foundation's `Process` adds polling
    /// latency).
    private static func timeProcess(_ program: String, _ arguments: [String], input: String,
                                    output: String) throws -> Timing {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output,
                                         O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }

        var child: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&child, program, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw PipelineError(path: program, code: "bench",
                                reason: "cannot start: " + String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(child, &status, 0, &usage) < 0, errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        guard status == 0 else {
            throw PipelineError(path: program, code: "bench", reason: "`\(program) "
                                + "\(arguments.joined(separator: " "))` failed (wait status "
                                + "\(status))")
        }
        return Timing(wall: seconds, cpu: Timing.seconds(usage.ru_utime)
                      + Timing.seconds(usage.ru_stime))
    }

    /// Wall and CPU seconds LineTokenizer takes over the corpus in this process, output to
    /// /dev/null.
    private static func timeInProcess(vocabulary path: String,
                                      corpus: String) throws -> (Timing, Timing) {
        let loadStarted = DispatchTime.now().uptimeNanoseconds
        let loadCPU = Timing.processCPU()
        let tokenizer = try BertTokenizer(vocabularyFile: path)
        let load = Timing(wall: Double(DispatchTime.now().uptimeNanoseconds - loadStarted) / 1e9,
                          cpu: Timing.processCPU() - loadCPU)
        var lines = LineTokenizer(tokenizer: tokenizer)
        let input = open(corpus, O_RDONLY)
        let output = open("/dev/null", O_WRONLY)
        defer {
            close(input)
            close(output)
        }
        guard input >= 0, output >= 0 else {
            throw PipelineError(path: corpus, code: "unreadable", reason: "cannot open the corpus")
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let cpu = Timing.processCPU()
        _ = try lines.run(input: input, output: output, inputName: corpus)
        return (load, Timing(wall: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,
                             cpu: Timing.processCPU() - cpu))
    }

    /// Runs the Python script and parses the one JSON object it prints.
    private static func pythonReport(_ python: String,
                                     _ arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PipelineError(path: python, code: "bench", reason: "`\(python) "
                                + "\(arguments.joined(separator: " "))` failed (exit "
                                + "\(process.terminationStatus)); it needs the pinned "
                                + "tokenizers and transformers (tools/requirements.txt)")
        }
        return object
    }
}

private extension Arguments {
    /// The corpus files: the `--corpus` given, or the two test corpus files.
    func positionalCorpora(_ fixtures: String) -> [String] {
        if let one = options["corpus"] { return [one] }
        return [fixtures + "corpus/tweets.txt", fixtures + "corpus/rotten.txt"]
    }
}

/// Wall and CPU seconds of one measurement.
private struct Timing {
    var wall: Double
    var cpu: Double

    /// A `timeval` in seconds.
    static func seconds(_ value: timeval) -> Double {
        Double(value.tv_sec) + Double(value.tv_usec) / 1e6
    }

    /// User + system CPU seconds of this process so far (`getrusage`).
    static func processCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
