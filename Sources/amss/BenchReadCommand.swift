import Console
import Cache
import Foundation

/// `amss bench read <cache-folder>`: samples per second reading shuffled batches from the
/// shards, this binary against h5py (`tools/bench/read.py`) on the same order.
enum BenchReadCommand {
    static let help = """
        usage: amss bench read <cache-folder> [--split S] [--batch-size B] [--seed N]
                               [--passes P] [--python SCRIPT] [--skip-python] [--json]

        Shuffles every sample of split S (default train) with seed N (default 1), then reads
        them in batches of B (default 32), each sample's audio and frames slab (one chunk
        each), first untimed (checksums, warm page cache), then P times (default 3) timed.
        SCRIPT (default
        tools/bench/read.py) does the same with h5py on the same order; both must read the
        same values. Prints samples/s of both and the ratio.
        """

    /// The `--json` object.
    struct Report: Encodable {
        let cacheFolder: String
        let split: String
        let batchSize: Int
        let samples: Int
        let amssSamplesPerSecond: Double
        let h5pySamplesPerSecond: Double?
        let ratio: Double?

        enum CodingKeys: String, CodingKey {
            case cacheFolder = "cache_folder", split, samples, ratio
            case batchSize = "batch_size"
            case amssSamplesPerSecond = "amss_samples_per_second"
            case h5pySamplesPerSecond = "h5py_samples_per_second"
        }
    }

    static func run(_ arguments: Arguments) throws -> Int32 {
        guard arguments.positional.count == 2 else {
            throw UsageError("bench read needs <cache-folder>\n\n\(help)")
        }
        let folder = arguments.positional[1]
        let split = arguments.options["split"] ?? "train"
        let batchSize = try arguments.integer("batch-size", default: 32, in: 1...65_536)
        let seed = UInt64(try arguments.integer("seed", default: 1))
        let passes = try arguments.integer("passes", default: 3, in: 1...10_000)
        let manifest = try Manifest.load(cacheFolder: folder)
        guard let entries = manifest.splits[split], !entries.isEmpty else {
            throw CacheError(path: Manifest.path(inCacheFolder: folder), code: "missing",
                             reason: "the manifest lists no shards for split \(split)")
        }
        try CacheVerifier.quickCheck(cacheFolder: folder)
        let paths = entries.map { (folder as NSString).appendingPathComponent($0.file) }
        let order = ReadBenchmark.order(counts: entries.map(\.samples), seed: seed)
        let ours = try ReadBenchmark.run(paths: paths, order: order, batchSize: batchSize,
                                         passes: passes)
        let json = arguments.flag("json")
        if !json {
            Output.line(String(format: "amss (libhdf5):  %9.1f samples/s  (%d samples, %.3f s)",
                               ours.samplesPerSecond, ours.samples, ours.seconds))
        }

        var theirs: ReadBenchmark.Result?
        if !arguments.flag("skip-python") {
            let script = arguments.options["python"] ?? "tools/bench/read.py"
            theirs = try python(script, folder: folder, paths: paths, order: order,
                                batchSize: batchSize, passes: passes)
            if let theirs, theirs.audioBits != ours.audioBits || theirs.frameSum != ours.frameSum {
                throw CacheError(path: folder, code: "checksum", reason: "h5py read other values "
                                 + "than amss (audio bits \(theirs.audioBits) vs "
                                 + "\(ours.audioBits), frame sum \(theirs.frameSum) vs "
                                 + "\(ours.frameSum))")
            }
        }
        let ratio = theirs.map { ours.samplesPerSecond / max($0.samplesPerSecond, 1e-9) }
        if json {
            try Output.json(Report(cacheFolder: folder, split: split, batchSize: batchSize,
                                   samples: ours.samples,
                                   amssSamplesPerSecond: ours.samplesPerSecond,
                                   h5pySamplesPerSecond: theirs?.samplesPerSecond, ratio: ratio))
        } else if let theirs, let ratio {
            Output.line(String(format: "h5py:            %9.1f samples/s  (%d samples, %.3f s)",
                               theirs.samplesPerSecond, theirs.samples, theirs.seconds))
            Output.line(String(format: "amss / h5py:     %9.2f ×", ratio))
        }
        return 0
    }

    /// Writes the order for the script, runs it and decodes its JSON line.
    private static func python(_ script: String, folder: String, paths: [String],
                               order: [ReadBenchmark.Place], batchSize: Int,
                               passes: Int) throws -> ReadBenchmark.Result {
        guard FileManager.default.fileExists(atPath: script) else {
            throw UsageError("no h5py script at \(script); pass --python or --skip-python")
        }
        let orderFile = NSTemporaryDirectory() + "amss-read-order-\(getpid()).txt"
        defer { unlink(orderFile) }
        let lines = order.map { "\(paths[$0.shard]) \($0.row)\n" }.joined()
        try AtomicFile.write(Data(lines.utf8), to: orderFile)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, folder, orderFile, String(batchSize),
                             String(passes)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let result = try? JSONDecoder().decode(ReadBenchmark.Result.self,
                                                     from: Data(line.utf8)) else {
            throw CacheError(path: script, code: "bench", reason: "python3 \(script) exited "
                             + "with \(process.terminationStatus) or printed no result")
        }
        return result
    }
}
