import Cache
import Foundation
import XCTest

/// `amss validate`, `prep` and `train` on the real-media Kinetics-Sounds layout, as a user runs
/// them; every expected value comes from EXPECTED.json, which the layout's builder wrote from
/// the real split lists and ffmpeg's own output.
final class RealKineticsSoundsJobTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "amss-ks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    func testValidatePrepTrainOnRealMedia() throws {
        let layout = try RealKineticsSoundsLayout.locate()
        let good = layout.clips.values.reduce(0) { $0 + $1.count }
        let atPrep = layout.bad.filter { $0.stage == "prep" }

        // validate: every planted row has its finding; the rest are usable.
        let validate = try CacheTestSupport.amss(["validate", "ks", layout.root, "--json"])
        XCTAssertEqual(validate.status, 1, validate.err)
        let report = try object(validate.out)
        XCTAssertEqual(report["samples"] as? Int, good + atPrep.count)
        let findings = report["findings"] as? [[String: Any]] ?? []
        for bad in layout.bad where bad.stage == "validate" {
            let codes = findings.filter { $0["id"] as? String == bad.id }
                .compactMap { $0["code"] as? String }
            XCTAssertTrue(codes.contains(bad.code), "\(bad.id): expected \(bad.code), got \(codes)")
        }
        XCTAssertEqual(report["warnings"] as? Int, 0, "\(findings)")

        // prep: counts per split, the class map, shapes, labels and frame counts.
        let cache = scratch + "/cache"
        let prep = try CacheTestSupport.amss(["prep", "ks", layout.root, "--cache", cache,
                                              "--quiet", "--json"])
        XCTAssertEqual(prep.status, 0, prep.err)
        let summary = try object(prep.out)
        let counts = summary["samples"] as? [String: Int] ?? [:]
        XCTAssertEqual(counts, layout.clips.mapValues(\.count))
        let folder = try XCTUnwrap(summary["cache_folder"] as? String)
        let manifest = try Manifest.load(cacheFolder: folder)
        XCTAssertEqual(Set(manifest.rejected.map(\.id)), Set(layout.bad.map(\.id)))
        XCTAssertEqual(manifest.classes, (0..<layout.classes).map(String.init))
        for bad in atPrep {
            XCTAssertEqual(manifest.rejected.first { $0.id == bad.id }?.code, bad.code)
        }
        try checkShards(manifest, folder: folder, layout: layout)

        // --compat reference records the reference class order (moot for index-only lists).
        let compat = try CacheTestSupport.amss(["prep", "ks", layout.root, "--cache",
                                                scratch + "/compat", "--compat", "reference",
                                                "--quiet", "--json"])
        XCTAssertEqual(compat.status, 0, compat.err)
        let compatFolder = try XCTUnwrap(try object(compat.out)["cache_folder"] as? String)
        let compatManifest = try Manifest.load(cacheFolder: compatFolder)
        XCTAssertEqual(compatManifest.classes, manifest.classes)
        guard case .object(let recorded) = compatManifest.config else { return XCTFail() }
        XCTAssertEqual(recorded["class_order"], .string("first-appearance"))

        // A config that expects 33 classes stops prep before any decoding.
        let config = scratch + "/ks33.json"
        try Data(#"{"dataset": "ks", "classes": 33}"#.utf8).write(to: URL(fileURLWithPath: config))
        let refused = try CacheTestSupport.amss(["prep", "ks", layout.root, "--cache",
                                                 scratch + "/cache33", "--config", config])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.err.contains("expects 33 classes"), refused.err)
        let written = FileManager.default.enumerator(atPath: scratch + "/cache33")?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".h5") } ?? []
        XCTAssertEqual(written, [])

        // train: one epoch at width 0.125 with the cache's 3 frames per clip.
        let run = scratch + "/run"
        let train = try CacheTestSupport.amss(["train", folder, "--epochs", "1", "--width",
                                               "0.125", "--batch-size", "16", "--out", run,
                                               "--json"])
        XCTAssertEqual(train.status, 0, train.err)
        let runConfig = try XCTUnwrap(FileManager.default.contents(atPath: run + "/config.json"))
        let options = (try JSONSerialization.jsonObject(with: runConfig) as? [String: Any])?[
            "options"] as? [String: Any]
        XCTAssertEqual(options?["frames_per_clip"] as? Int, 3)
        let lines = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let record = try object(String(lines[0]))
        XCTAssertEqual(record["epoch"] as? Int, 1)
        let loss = record["train_loss"] as? Double ?? .nan
        // An untrained 31-way classifier starts near ln 31 ≈ 3.43; one epoch cannot be far off.
        XCTAssertTrue(loss.isFinite && loss > 1 && loss < 10, "train_loss \(loss)")
        for key in ["test_acc", "test_acc_audio", "test_acc_visual", "rho_audio", "rho_visual"] {
            XCTAssertNotNil(record[key], "metrics.jsonl lacks \(key)")
        }
    }

    /// Shapes, ids, labels and frame counts of every shard against EXPECTED.json.
    private func checkShards(_ manifest: Manifest, folder: String,
                             layout: RealKineticsSoundsLayout) throws {
        for (split, entries) in manifest.splits {
            let expected = layout.clips[split] ?? [:]
            var seen: [String] = []
            for entry in entries {
                let path = folder + "/" + entry.file
                XCTAssertEqual(try SHA256.hex(ofFile: path), entry.sha256, entry.file)
                let reader = try ShardReader(path: path)
                let count = reader.sampleCount
                XCTAssertEqual(try reader.shape(of: "audio"), [count, 257, 1003])
                let frames = try reader.shape(of: "frames")
                XCTAssertEqual(Array(frames.dropFirst(2)), [224, 224, 3])
                let ids = try reader.ids()
                let labels = try reader.int64Column("label")
                let frameCounts = try reader.int32Column("frame_count")
                XCTAssertEqual(Int(frameCounts.max() ?? 0), frames[1])
                for (index, id) in ids.enumerated() {
                    let clip = try XCTUnwrap(expected[id], "\(split): unexpected \(id)")
                    XCTAssertEqual(Int(labels[index]), clip.label, id)
                    XCTAssertEqual(Int(frameCounts[index]), clip.frameCount,
                                   "\(id) (\(clip.visual))")
                }
                let spectrogram = try reader.readFloat32("audio", sample: 0)
                let floor = Float(log(1e-7)) - 1e-3
                XCTAssertTrue(spectrogram.allSatisfy { $0.isFinite && $0 >= floor })
                seen += ids
            }
            XCTAssertEqual(Set(seen), Set(expected.keys), split)
        }
        XCTAssertEqual(Set(manifest.splits.keys), Set(layout.clips.keys))
    }

    private func object(_ text: String) throws -> [String: Any] {
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8))
            as? [String: Any], text)
    }
}
