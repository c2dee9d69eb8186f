import Foundation
import Pipeline
import XCTest

/// `amss train` killed and resumed, `amss eval`, `amss report` and `amss train --seeds` as
/// users call them, on a prepared copy of the synthetic CREMA-D sample.
final class TrainRunCommandTests: XCTestCase {
    private static let root = NSTemporaryDirectory() + "amss-train-cli-\(getpid())"
    nonisolated(unsafe) private static var cacheFolder: String?

    /// Removes the prepared sample, its cache and the runs once the class is done.
    override class func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
        super.tearDown()
    }

    private var executable: String {
        let bundle = Bundle(for: TrainRunCommandTests.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map {
            $0.appendingPathComponent("amss").path
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? candidates[0]
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                String(decoding: errData, as: UTF8.self))
    }

    /// The demo sample prepared once for every test of this class.
    private func cache() throws -> String {
        if let cacheFolder = Self.cacheFolder { return cacheFolder }
        try? FileManager.default.removeItem(atPath: Self.root)
        _ = try DemoDataset().write(to: Self.root + "/sample")
        let prep = try run(["prep", "crema", Self.root + "/sample", "--cache",
                            Self.root + "/cache", "--quiet"])
        XCTAssertEqual(prep.status, 0, prep.err)
        let folder = try XCTUnwrap(prep.out.split(separator: "\n").last.map(String.init))
        Self.cacheFolder = folder
        return folder
    }

    private func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    private func untimed(_ line: String) -> String {
        line.hasPrefix("{")
            ? line.replacingOccurrences(of: #""seconds":[^,}]*"#, with: "",
                                        options: .regularExpression)
            : line.split(separator: "\t").dropLast().joined(separator: "\t")
    }

    private var common: [String] {
        ["--epochs", "3", "--width", "0.125", "--threads", "1", "--batch-size", "16"]
    }

    /// SIGKILL once epoch 1's checkpoint exists (during epoch 2 or 3), then `--resume`:
    /// metrics.jsonl and metrics.tsv equal an uninterrupted run's but for the timing.
    func testKilledRunResumesToTheSameMetrics() throws {
        let cache = try cache()
        let whole = Self.root + "/whole", cut = Self.root + "/cut"
        let short = common + ["--max-batches", "4"]
        XCTAssertEqual(try run(["train", cache, "--out", whole] + short).status, 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["train", cache, "--out", cut, "--json"] + short
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: cut + "/last.ckpt")
                && Date() < deadline {
            usleep(10_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let done = lines(cut + "/metrics.jsonl").count
        XCTAssertLessThan(done, 3, "the run was killed before its last epoch")
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        let resumed = try run(["train", "--resume", cut, "--json"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        for file in ["metrics.jsonl", "metrics.tsv"] {
            let a = lines(whole + "/" + file).map(untimed)
            let b = lines(cut + "/" + file).map(untimed)
            XCTAssertEqual(a.count, file == "metrics.tsv" ? 4 : 3)
            XCTAssertEqual(a, b, file)
        }
        print("killed after \(done) epoch(s); resumed run matches the uninterrupted one")
    }

    /// eval of best.ckpt on test reproduces the best epoch's test accuracy; exit codes 0/1/2
    /// for eval, report and --resume.
    func testEvalReportAndExitCodes() throws {
        let cache = try cache()
        let first = Self.root + "/e1"
        XCTAssertEqual(try run(["train", cache, "--out", first, "--max-batches", "2"]
                               + common).status, 0)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(
            contentsOf: URL(fileURLWithPath: first + "/summary.json"))) as? [String: Any])

        let eval = try run(["eval", first, "--json"])
        XCTAssertEqual(eval.status, 0, eval.err)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data((eval.out.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        XCTAssertEqual(object["accuracy"] as? Double, summary["best_test_acc"] as? Double)
        XCTAssertEqual(object["epoch"] as? Int, summary["best_epoch"] as? Int)
        XCTAssertEqual(try run(["eval", first, "--split", "valid"]).status, 0)
        XCTAssertEqual(try run(["eval", Self.root + "/missing"]).status, 1)
        XCTAssertEqual(try run(["eval", first, "--split", "dev"]).status, 2)
        XCTAssertEqual(try run(["eval"]).status, 2)

        let page = Self.root + "/report.html"
        let report = try run(["report", first, first, "--out", page])
        XCTAssertEqual(report.status, 0, report.err)
        XCTAssertEqual(report.out, page + "\n")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 8)
        XCTAssertTrue(html.contains("class=\"comparison\""))
        XCTAssertEqual(try run(["report", Self.root + "/missing"]).status, 1)
        XCTAssertEqual(try run(["report"]).status, 2)
        XCTAssertEqual(try run(["train", "--resume", Self.root + "/missing"]).status, 1)
        XCTAssertEqual(try run(["train", "--resume", first, "--epochs", "9"]).status, 2)
        XCTAssertEqual(try run(["train", cache, "--seeds", "1,x"]).status, 2)
        XCTAssertEqual(try run(["train", cache, "--seeds", "1,2", "--seed", "5"]).status, 2)
        XCTAssertEqual(try run(["train", cache, "--optimizer", "lion"]).status, 2)
        // a trailing comma or a repeated target is a typo, not a mask
        XCTAssertEqual(try run(["train", cache, "--method", "amss", "--mask", "fusion,"]).status,
                       2)
        XCTAssertEqual(try run(["train", cache, "--method", "amss", "--mask",
                                "fusion,fusion"]).status, 2)
    }

    /// --seeds trains one run per seed and reports the mean and sample std of their best
    /// epochs' test accuracy (checked against the runs' own summaries).
    func testSeedsReportMeanAndDeviation() throws {
        let cache = try cache()
        let out = Self.root + "/seeds"
        let result = try run(["train", cache, "--out", out, "--seeds", "3,4", "--epochs", "1",
                              "--width", "0.125", "--max-batches", "2", "--json"])
        XCTAssertEqual(result.status, 0, result.err)
        var accuracies: [Double] = []
        for seed in [3, 4] {
            let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(
                contentsOf: URL(fileURLWithPath: "\(out)/seed-\(seed)/summary.json")))
                as? [String: Any])
            accuracies.append(try XCTUnwrap(summary["best_test_acc"] as? Double))
        }
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data((result.out.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        let metrics = try XCTUnwrap(object["metrics"] as? [String: Any])
        let accuracy = try XCTUnwrap(metrics["test_acc"] as? [String: Any])
        let mean = (accuracies[0] + accuracies[1]) / 2
        let deviation = abs(accuracies[0] - accuracies[1]) / 2.0.squareRoot()
        XCTAssertEqual(try XCTUnwrap(accuracy["mean"] as? Double), mean, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(accuracy["std"] as? Double), deviation, accuracy: 1e-9)
        XCTAssertEqual(accuracy["values"] as? [Double], accuracies)

        // A seed folder that already holds a run is refused before any seed is trained.
        let again = try run(["train", cache, "--out", out, "--seeds", "5,3", "--epochs", "1",
                             "--width", "0.125", "--max-batches", "2"])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.err.contains(out + "/seed-3"), again.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/seed-5"))
    }
}
