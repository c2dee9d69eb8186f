import Foundation
import XCTest
@testable import Training

/// A run stopped after epoch 1 and resumed from `last.ckpt` gives exactly the metrics of an
/// uninterrupted run (every key but `seconds`), and the same seed and threads give the same
/// metrics bit for bit.
final class ResumeTests: XCTestCase {
    private struct Killed: Error {}

    private func options(_ name: String, method: String, optimizer: String = "sgd",
                         threads: Int = 1) -> TrainOptions {
        var options = TrainOptions(out: SyntheticClips.temporaryFolder(name))
        options.method = method
        options.epochs = 2
        options.batchSize = 16
        options.width = 1.0 / 16
        options.learningRate = optimizer == "sgd" ? 0.02 : 0.002
        options.optimizer = optimizer
        options.threads = threads
        options.maxBatchesPerEpoch = 6
        options.stepEpoch = 1
        options.clipNorm = 5
        return options
    }

    private func lines(_ folder: String, _ file: String) throws -> [String] {
        try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    /// Drops `"seconds":…` from a metrics.jsonl line and the Train_Time cell of a TSV row.
    private func untimed(_ line: String) -> String {
        if line.hasPrefix("{") {
            return line.replacingOccurrences(of: #""seconds":[^,}]*"#, with: "",
                                             options: .regularExpression)
        }
        return line.split(separator: "\t").dropLast().joined(separator: "\t")
    }

    func testResumedRunMatchesUninterruptedRun() throws {
        for (method, optimizer) in [("amss+", "sgd"), ("ogm-ge", "adamw"), ("amss", "adam")] {
            let whole = options("whole-\(method)", method: method, optimizer: optimizer)
            let data = try SyntheticClips.data(valid: 32)
            let reference = try Trainer(data: data, options: whole).run { _ in }

            // The same options in another folder, "killed" once epoch 1's files are written.
            var cut = options("cut-\(method)", method: method, optimizer: optimizer)
            XCTAssertThrowsError(try Trainer(data: data, options: cut).run { metrics in
                if metrics.epoch == 1 { throw Killed() }
            })
            XCTAssertEqual(try lines(cut.out, "metrics.jsonl").count, 1)
            // A kill between the metrics and the checkpoint leaves an extra line: dropped.
            let extra = try lines(cut.out, "metrics.jsonl")[0]
                .replacingOccurrences(of: #""epoch":1"#, with: #""epoch":2"#)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: cut.out
                                                          + "/metrics.jsonl"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((extra + "\n").utf8))
            try handle.close()

            // Resumed from a moved folder, with the options its config.json holds.
            let moved = cut.out + "-moved"
            try? FileManager.default.removeItem(atPath: moved)
            try FileManager.default.moveItem(atPath: cut.out, toPath: moved)
            cut = try RunFolder(path: moved, resuming: true).readConfiguration().options
            cut.out = moved
            let resumed = try Trainer(data: data, options: cut).run(resume: true) { _ in }

            for file in ["metrics.jsonl", "metrics.tsv"] {
                let a = try lines(whole.out, file).map(untimed)
                let b = try lines(cut.out, file).map(untimed)
                XCTAssertEqual(a.count, file == "metrics.tsv" ? 3 : 2, "\(method) \(file)")
                XCTAssertEqual(a, b, "\(method) \(file)")
            }
            XCTAssertEqual(reference.bestEpoch, resumed.bestEpoch, method)
            XCTAssertEqual(reference.bestTestAcc, resumed.bestTestAcc, method)
            let best = try Checkpoint.read(from: whole.out + "/best.ckpt")
            let bestResumed = try Checkpoint.read(from: cut.out + "/best.ckpt")
            XCTAssertEqual(best.values, bestResumed.values, method)
        }
    }

    /// A second run with the same seed and two BLAS threads gives the same metrics.jsonl
    /// bit for bit (apart from the timing), and a different seed does not.
    func testSameSeedAndThreadsGiveIdenticalMetricsBitForBit() throws {
        let data = try SyntheticClips.data()
        var runs: [[String]] = []
        for (name, seed) in [("seed-a", 7), ("seed-b", 7), ("seed-c", 8)] {
            var options = options(name, method: "amss", threads: 2)
            options.seed = UInt64(seed)
            _ = try Trainer(data: data, options: options).run { _ in }
            runs.append(try lines(options.out, "metrics.jsonl").map(untimed))
        }
        XCTAssertEqual(runs[0], runs[1])
        XCTAssertNotEqual(runs[0], runs[2])
    }

    /// A run stopped before its first checkpoint starts over on resume and still matches.
    func testResumeWithoutCheckpointStartsOver() throws {
        let data = try SyntheticClips.data()
        let whole = options("over-whole", method: "amss")
        _ = try Trainer(data: data, options: whole).run { _ in }
        let cut = options("over-cut", method: "amss")
        XCTAssertThrowsError(try Trainer(data: data, options: cut).run { _ in throw Killed() })
        try FileManager.default.removeItem(atPath: cut.out + "/last.ckpt")
        _ = try Trainer(data: data, options: cut).run(resume: true) { _ in }
        XCTAssertEqual(try lines(whole.out, "metrics.jsonl").map(untimed),
                       try lines(cut.out, "metrics.jsonl").map(untimed))
    }

    /// Resuming refuses a checkpoint of other options and a folder that is not a run.
    func testResumeRefusesMismatchedRuns() throws {
        let data = try SyntheticClips.data()
        var first = options("mismatch", method: "joint")
        first.epochs = 1
        _ = try Trainer(data: data, options: first).run { _ in }
        var other = first
        other.learningRate = 0.5
        XCTAssertThrowsError(try Trainer(data: data, options: other).run(resume: true) { _ in }) {
            XCTAssertTrue("\($0)".contains("other options"), "\($0)")
        }
        let empty = options("not-a-run", method: "joint")
        XCTAssertThrowsError(try Trainer(data: data, options: empty).run(resume: true) { _ in })
    }
}
