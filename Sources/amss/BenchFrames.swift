import Console
import Cache
import Dispatch
import Foundation
import Media

/// `amss bench frames <folder>`: frame extraction into shards against the ffmpeg-to-JPEG recipe.
enum BenchFrames {
    static let help = """
        usage: amss bench frames <folder> [--workers N] [--rule RULE] [--python SCRIPT]
                                 [--skip-python] [--out DIR]

        Times, start-up included, two ways of turning every <folder>/*.flv into HDF5 shards of
        up to 10 frames a clip (1 FPS, 224×224 RGB, bilinear; `frames` uint8 [N, T, 224, 224,
        3] and `frame_count`): this binary (N worker threads, one single-threaded decoder
        each; RULE default ffmpeg-fps, so both sides keep the same frames), then SCRIPT
        (default tools/bench/frames.py: N processes each running `ffmpeg -threads 1 -vf fps=1`
        to JPEG files, then PIL load and resize). Prints both wall times and the ratio. With
        --skip-python only this binary's extraction runs, in this process, into --out
        (default: a temporary folder, removed afterwards).
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["python", "workers", "out", "rule"],
                                      allowedFlags: ["help", "skip-python"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.count == 1 else {
            throw UsageError("bench frames needs <folder>\n\n\(help)")
        }
        let folder = arguments.positional[0]
        let workers = try arguments.integer("workers", default: 2, in: 1...256)
        let ruleName = arguments.options["rule"] ?? FrameRule.ffmpegFPS.rawValue
        guard let rule = FrameRule(rawValue: ruleName) else {
            throw UsageError("unknown --rule '\(ruleName)'; known: "
                             + FrameRule.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if arguments.flag("skip-python") {
            let given = arguments.options["out"]
            let out = given ?? NSTemporaryDirectory() + "amss-bench-frames-\(getpid())"
            defer {
                if given == nil { try? FileManager.default.removeItem(atPath: out) }
            }
            let started = Date()
            let (clips, frames, rejected) = try extract(folder: folder, out: out,
                                                        workers: workers, rule: rule)
            Output.line(String(format: "amss: %d clips, %d frames, %d rejected, %.3f s",
                               clips, frames, rejected, Date().timeIntervalSince(started)))
            return 0
        }

        let scratch = NSTemporaryDirectory() + "amss-bench-frames-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let ours = try BenchCommand.time(executable, [
            "bench", "frames", folder, "--skip-python", "--workers", String(workers),
            "--rule", rule.rawValue, "--out", scratch + "/amss",
        ])
        Output.line(String(format: "amss bench frames:  %8.2f s", ours))
        let script = arguments.options["python"] ?? "tools/bench/frames.py"
        guard FileManager.default.fileExists(atPath: script) else {
            throw UsageError("no Python reference script at \(script); pass --python")
        }
        let theirs = try BenchCommand.time("/usr/bin/env", [
            "python3", script, folder, scratch + "/python", "--workers", String(workers),
        ])
        Output.line(String(format: "ffmpeg CLI + PIL:   %8.2f s", theirs))
        Output.line(String(format: "speed-up:           %8.2f ×", theirs / ours))
        return 0
    }

    /// Extracts every FLV of `folder` by `rule` with `workers` threads and writes shards of 256
    /// clips to `out`; returns the clip, frame and rejected counts.
    static func extract(folder: String, out: String, workers: Int,
                        rule: FrameRule) throws -> (Int, Int, Int) {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.lowercased().hasSuffix(".flv") }.sorted()
        let paths = names.map { folder + "/" + $0 }
        var config = FrameConfig()
        config.rule = rule
        let extractors = try (0..<workers).map { _ in
            try FrameExtractor(config: config, decoderThreads: 1)
        }
        let results = Results(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while let index = results.next() {
                let clip = Result { try extractors[worker].frames(fromVideo: paths[index]) }
                results.store(clip, at: index)
            }
        }

        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var kept: [(String, FrameClip)] = []
        var rejected = 0
        for (index, result) in results.all.enumerated() {
            switch result {
            case .success(let clip): kept.append((names[index], clip))
            case .failure(let error):
                rejected += 1
                Output.error("rejected \(error)")
            case .none: rejected += 1
            }
        }
        let shardSize = 256
        for start in stride(from: 0, to: kept.count, by: shardSize) {
            let part = Array(kept[start..<min(kept.count, start + shardSize)])
            try writeShard(part, config: config,
                           to: out + String(format: "/shard-%05d.h5", start / shardSize))
        }
        return (kept.count, kept.reduce(0) { $0 + $1.1.count }, rejected)
    }

    // MARK: - Internals

    /// Writes `ids`, `frames` [N, T, H, W, 3] zero-padded to the longest clip and `frame_count`.
    private static func writeShard(_ clips: [(String, FrameClip)], config: FrameConfig,
                                   to path: String) throws {
        let frameBytes = config.height * config.width * 3
        let longest = max(1, clips.map(\.1.count).max() ?? 1)
        var frames = [UInt8](repeating: 0, count: clips.count * longest * frameBytes)
        for (i, (_, clip)) in clips.enumerated() {
            frames.replaceSubrange((i * longest * frameBytes)..<(i * longest * frameBytes
                                   + clip.pixels.count), with: clip.pixels)
        }
        let columns = [
            ShardColumn(name: "frames", shape: [clips.count, longest, config.height,
                                                config.width, 3], values: .uint8(frames)),
            ShardColumn(name: "frame_count", shape: [clips.count],
                        values: .int32(clips.map { Int32($0.1.count) })),
        ]
        try ShardWriter.write(to: path, ids: clips.map { String($0.0.dropLast(4)) },
                              columns: columns, attributes: ["frame_rule": config.rule.rawValue])
    }
}

/// The clips of a bench run: a shared work counter and one result slot per clip, under a lock.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<FrameClip, Error>?]
    private var cursor = 0

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// The next clip index to work on, or nil when all are taken.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard cursor < slots.count else { return nil }
        cursor += 1
        return cursor - 1
    }

    /// Stores one clip's result.
    func store(_ result: Result<FrameClip, Error>, at index: Int) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// Every slot (nil for a clip never processed).
    var all: [Result<FrameClip, Error>?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
