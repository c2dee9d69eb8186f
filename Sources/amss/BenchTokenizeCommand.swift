import Foundation
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
             included), N runs (default 5), median and best wall time;
          2. the same in-process (LineTokenizer over the corpus, vocabulary load excluded);
          3. SCRIPT (default tools/bench/tokenize.py) with PYTHON (default tools/.venv/bin/python
             if present, else python3): HF tokenizers' encode_batch and the pure-Python
             BertTokenizerLegacy, in-process times, and how many lines of ours and of HF
             tokenizers equal the reference's ids.
        Prints the times, the throughputs and both ratios (their time / our whole process).
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
        let executable = (try? FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var times: [Double] = []
        for _ in 0..<runs {
            times.append(try timeProcess(executable, ["tokenize", "--vocab", vocabulary],
                                         input: corpus, output: ours))
        }
        times.sort()
        let median = times[times.count / 2]
        let inProcess = try timeInProcess(vocabulary: vocabulary, corpus: corpus)
        let megabytes = Double(size) / 1e6
        Output.line(String(format: "corpus: %@ (%d bytes)", corpus, size))
        Output.line(String(format: "amss tokenize, whole process: median %.3f s, best %.3f s "
                           + "of %d runs (%.1f MB/s median)", median, times[0], runs,
                           megabytes / median))
        Output.line(String(format: "amss in-process (no start-up, no vocabulary load): "
                           + "%.3f s (%.1f MB/s)", inProcess, megabytes / inProcess))
        guard !arguments.flag("skip-python") else { return 0 }

        let script = arguments.options["python"] ?? "tools/bench/tokenize.py"
        guard FileManager.default.fileExists(atPath: script) else {
            throw UsageError("no Python benchmark script at \(script); pass --python")
        }
        let python = arguments.options["python-bin"]
            ?? (FileManager.default.isExecutableFile(atPath: "tools/.venv/bin/python")
                ? "tools/.venv/bin/python" : "python3")
        let report = try pythonReport(python, [script, "--vocab", vocabulary, "--corpus", corpus,
                                               "--compare", ours, "--json"])
        let lines = report["lines"] as? Int ?? 0
        let hf = report["hf_encode_s"] as? Double ?? .nan
        let legacy = report["python_encode_s"] as? Double ?? .nan
        Output.line(String(format: "HF tokenizers %@ encode_batch, in-process: %.3f s "
                           + "(%.2f MB/s; vocabulary load %.3f s)",
                           report["tokenizers"] as? String ?? "?", hf, megabytes / hf,
                           report["hf_load_s"] as? Double ?? .nan))
        Output.line(String(format: "Python BertTokenizerLegacy, in-process: %.3f s (%.3f MB/s)",
                           legacy, megabytes / legacy))
        Output.line(String(format: "ratio HF tokenizers in-process / amss whole process: "
                           + "%.2f× (in-process vs in-process: %.2f×)", hf / median,
                           hf / inProcess))
        Output.line(String(format: "ratio Python in-process / amss whole process: %.1f×",
                           legacy / median))
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
                throw UsageError("cannot read corpus file \(path)")
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

    /// Wall time of one process run with stdin from `input` and stdout to `output`.
    private static func timeProcess(_ program: String, _ arguments: [String], input: String,
                                    output: String) throws -> Double {
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        guard let source = FileHandle(forReadingAtPath: input),
              let sink = FileHandle(forWritingAtPath: output) else {
            throw UsageError("cannot open \(input) or \(output)")
        }
        defer {
            try? source.close()
            try? sink.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardInput = source
        process.standardOutput = sink
        let started = Date()
        try process.run()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        guard process.terminationStatus == 0 else {
            throw UsageError("`\(program) \(arguments.joined(separator: " "))` exited with "
                             + "\(process.terminationStatus)")
        }
        return seconds
    }

    /// Seconds LineTokenizer takes over the corpus in this process, output to /dev/null.
    private static func timeInProcess(vocabulary path: String, corpus: String) throws -> Double {
        let tokenizer = try BertTokenizer(vocabularyFile: path)
        var lines = LineTokenizer(tokenizer: tokenizer)
        let input = open(corpus, O_RDONLY)
        let output = open("/dev/null", O_WRONLY)
        defer {
            close(input)
            close(output)
        }
        guard input >= 0, output >= 0 else { throw UsageError("cannot open \(corpus)") }
        let started = Date()
        _ = try lines.run(input: input, output: output, inputName: corpus)
        return Date().timeIntervalSince(started)
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
            throw UsageError("`\(python) \(arguments.joined(separator: " "))` failed "
                             + "(exit \(process.terminationStatus))")
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
