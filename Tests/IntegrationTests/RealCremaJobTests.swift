import Cache
import Datasets
import Foundation
import Pipeline
import Training
import XCTest

/// validate → prep → train on the real-media CREMA-D layout, as a user runs them.
final class RealCremaJobTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "amss-job-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    func testValidatePrepTrainOnRealMedia() throws {
        let layout = try RealCremaLayout.locate()

        // Validation names every planted problem with its expected code.
        let scan = CremaLayout().scan(root: layout.root)
        for bad in layout.expected {
            let codes = scan.findings.filter { $0.id == bad.id }.map(\.code)
            XCTAssertTrue(codes.contains(bad.code), "\(bad.id): expected \(bad.code), got \(codes)")
        }
        let badIds = Set(layout.expected.map(\.id))
        let good = scan.samples.filter { !badIds.contains($0.id) }  // real clips only
        XCTAssertGreaterThanOrEqual(good.count, 100, "the layout must hold ≥ 100 real clips")
        // A duplicated row keeps its first occurrence; every other planted clip stays out.
        let excluded = Set(layout.expected.filter { $0.code != "duplicate-id" }.map(\.id))
        let accepted = scan.samples.filter { excluded.contains($0.id) }.map(\.id)
        XCTAssertEqual(accepted, [], "planted bad clips were accepted")
        XCTAssertTrue(scan.samples.contains { $0.sources["video"] != nil })
        XCTAssertTrue(scan.samples.contains { $0.sources["frames"] != nil })

        // Prep writes every good clip; bad ones are in the manifest with a reason.
        guard let config = PipelineConfig.builtIn("crema") else { return XCTFail("no config") }
        var options = PrepOptions(dataset: "crema", root: layout.root, config: config)
        options.cacheRoot = scratch + "/cache"
        options.quiet = true
        let summary = try PrepRunner.run(options)
        let manifest = try Manifest.load(cacheFolder: summary.cacheFolder)
        XCTAssertEqual(manifest.classes, ["NEU", "HAP", "SAD", "FEA", "DIS", "ANG"])
        let rejectedIds = Set(manifest.rejected.map(\.id))
        XCTAssertTrue(badIds.isSubset(of: rejectedIds),
                      "not rejected: \(badIds.subtracting(rejectedIds))")
        let stageRejects = manifest.rejected.filter { !badIds.contains($0.id) }
        XCTAssertEqual(summary.samples.values.reduce(0, +), scan.samples.count,
                       "real clips rejected by the stages: \(stageRejects)")

        try checkShards(manifest, folder: summary.cacheFolder, samples: scan.samples)

        // A rerun reuses every shard and leaves the files byte-identical.
        let second = try PrepRunner.run(options)
        XCTAssertEqual(second.shardsWritten, 0)
        XCTAssertEqual(second.shardsReused, summary.shardsWritten)
        XCTAssertEqual(try Manifest.load(cacheFolder: second.cacheFolder).splits, manifest.splits)

        // One short epoch at a small width.
        var training = TrainOptions(out: scratch + "/run")
        training.method = "amss"
        training.epochs = 1
        training.width = 0.0625
        training.batchSize = 16
        let result = try Trainer(cacheFolder: summary.cacheFolder, options: training).run { _ in }
        XCTAssertEqual(result.epochs, 1)
        let lines = try String(contentsOfFile: scratch + "/run/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let record = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        for key in ["epoch", "train_loss", "test_acc", "test_acc_audio", "test_acc_visual",
                    "rho_audio", "rho_visual", "seconds"] {
            XCTAssertNotNil(record?[key], "metrics.jsonl lacks \(key)")
        }
        let loss = record?["train_loss"] as? Double ?? .nan
        XCTAssertTrue(loss.isFinite && loss > 0, "train_loss \(loss)")
    }

    /// Every shard matches its checksum and schema; ids and labels agree with the annotations.
    private func checkShards(_ manifest: Manifest, folder: String, samples: [Sample]) throws {
        let labels = Dictionary(uniqueKeysWithValues: samples.map { ($0.id, $0.label) })
        var seen = 0
        for (split, entries) in manifest.splits {
            for entry in entries {
                let path = folder + "/" + entry.file
                XCTAssertEqual(try SHA256.hex(ofFile: path), entry.sha256, entry.file)
                let reader = try ShardReader(path: path)
                let count = reader.sampleCount
                XCTAssertEqual(count, entry.samples)
                XCTAssertEqual(try reader.shape(of: "audio"), [count, 257, 188])
                let frames = try reader.shape(of: "frames")
                XCTAssertEqual(Array(frames.dropFirst(2)), [224, 224, 3])
                let counts = try reader.int32Column("frame_count")
                XCTAssertTrue(counts.allSatisfy { (1...10).contains($0) }, "\(counts)")
                XCTAssertEqual(Int(counts.max() ?? 0), frames[1])
                for (id, label) in zip(try reader.ids(), try reader.int64Column("label")) {
                    XCTAssertEqual(labels[id], Int(label), "\(split) \(id)")
                }
                let spectrogram = try reader.readFloat32("audio", sample: 0)
                let floor = Float(log(1e-7)) - 1e-3
                XCTAssertTrue(spectrogram.allSatisfy { $0.isFinite && $0 >= floor })
                seen += count
            }
        }
        XCTAssertEqual(seen, samples.count)
    }
}
