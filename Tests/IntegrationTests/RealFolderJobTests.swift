import Cache
import Datasets
import Foundation
import Pipeline
import XCTest

/// validate → prep → train through a layout file, on the real spoken digits and video frames
/// that `tools/make_folder_real.py` lays out, as a user runs the commands.
final class RealFolderJobTests: XCTestCase {
    /// What the script planted and expects (`EXPECTED.json`).
    private struct Expected: Decodable {
        struct Bad: Decodable {
            let id: String
            let code: String
        }
        let classes: [String]
        let splits: [String: [String]]
        let labels: [String: String]
        let bad: [Bad]
        let sharedSpeakers: [String]
        let videos: [String]

        enum CodingKeys: String, CodingKey {
            case classes, splits, labels, bad, videos
            case sharedSpeakers = "shared_speakers"
        }
    }

    private var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "amss-folder-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// The built layout, or a failure saying how to build it.
    private func locate() throws -> (root: String, expected: Expected) {
        let root = ProcessInfo.processInfo.environment["AMSS_REAL_FOLDER"]
            ?? CacheTestSupport.repository() + "/tools/.media/folder-real"
        guard let data = FileManager.default.contents(atPath: root + "/EXPECTED.json") else {
            XCTFail("no real-media folder layout at \(root): run tools/test.sh (or "
                    + "tools/fetch_media.sh && python3 tools/make_folder_real.py \(root))")
            throw CocoaError(.fileNoSuchFile)
        }
        return (root, try JSONDecoder().decode(Expected.self, from: data))
    }

    private func json(_ text: String) throws -> [String: Any] {
        let line = text.split(separator: "\n").last.map(String.init) ?? ""
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8))
            as? [String: Any], text)
    }

    /// A JSON number as a Double, whether it was parsed as an integer or not.
    private func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    func testValidatePrepTrainThroughALayoutFile() throws {
        let (root, expected) = try locate()
        let layout = root + "/layout.json"

        // validate: 50 real clips usable, one error per planted row, speakers shared.
        let validate = try CacheTestSupport.amss(["validate", "folder", root, "--layout", layout,
                                                  "--json"])
        XCTAssertEqual(validate.status, 1, "planted errors make validate exit 1")
        let report = try json(validate.out)
        XCTAssertEqual(report["dataset"] as? String, "digits")
        XCTAssertEqual(number(report["samples"]), 50)
        XCTAssertEqual(number(report["errors"]), Double(expected.bad.count))
        XCTAssertEqual(number(report["warnings"]), 1)
        let findings = report["findings"] as? [[String: Any]] ?? []
        for bad in expected.bad {
            let codes = findings.filter { $0["id"] as? String == bad.id }
                .compactMap { $0["code"] as? String }
            XCTAssertEqual(codes, [bad.code], bad.id)
        }
        let overlap = findings.first { $0["code"] as? String == "group-overlap" }
        XCTAssertEqual(overlap?["path"] as? String, "lists/test.tsv")
        XCTAssertTrue((overlap?["message"] as? String ?? "").contains(
            "1 group(s) appear in both train and test (e.g. '\(expected.sharedSpeakers[0])')"))

        // prep: the good clips per split, the planted rows rejected with their codes.
        let cache = scratch + "/cache"
        let prep = try CacheTestSupport.amss(["prep", "folder", root, "--layout", layout,
                                              "--cache", cache, "--quiet", "--json"])
        XCTAssertEqual(prep.status, 0, prep.err)
        let summary = try json(prep.out)
        let samples = (summary["samples"] as? [String: Any])?.mapValues { number($0) ?? -1 }
        XCTAssertEqual(samples, ["train": 30, "test": 20])
        XCTAssertEqual(number(summary["rejected"]), Double(expected.bad.count))
        let folder = try XCTUnwrap(summary["cache_folder"] as? String)
        XCTAssertTrue(folder.hasPrefix(cache + "/digits/"), folder)
        let manifest = try Manifest.load(cacheFolder: folder)
        XCTAssertEqual(manifest.dataset, "digits")
        XCTAssertEqual(manifest.classes, expected.classes)
        XCTAssertEqual(manifest.classes, ["eight", "five", "four", "nine", "one", "seven", "six",
                                          "three", "two", "zero"], "sorted by code point")
        XCTAssertEqual(Set(manifest.rejected.map { "\($0.id) \($0.code)" }),
                       Set(expected.bad.map { "\($0.id) \($0.code)" }))
        XCTAssertEqual(manifest.config["layout"]?["name"], .string("digits"),
                       "the manifest records the layout file")
        try checkShards(manifest, folder: folder, root: root, expected: expected)

        // train: one epoch at width 0.125 on the audio + frames cache.
        let run = scratch + "/run"
        let train = try CacheTestSupport.amss(["train", folder, "--epochs", "1", "--width",
                                               "0.125", "--batch-size", "16", "--out", run])
        XCTAssertEqual(train.status, 0, train.err)
        let lines = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let metrics = try json(String(lines[0]))
        XCTAssertEqual(number(metrics["epoch"]), 1)
        let loss = number(metrics["train_loss"]) ?? .nan
        XCTAssertTrue(loss.isFinite && loss > 0, "train_loss \(loss)")
        for key in ["test_acc", "test_acc_audio", "test_acc_visual"] {
            let accuracy = number(metrics[key]) ?? -1
            // 20 test clips: every accuracy is a multiple of 5 %.
            XCTAssertTrue((0...100).contains(accuracy)
                          && abs(accuracy / 5 - (accuracy / 5).rounded()) < 1e-9, "\(key)")
        }
    }

    /// Ids, labels, shapes and frame counts per split; one spectrogram against the CREMA-D
    /// layout's prep of the same WAV.
    private func checkShards(_ manifest: Manifest, folder: String, root: String,
                             expected: Expected) throws {
        var audioOf: [String: [Float]] = [:]
        for (split, entries) in manifest.splits {
            var ids: [String] = []
            for entry in entries {
                let reader = try ShardReader(path: folder + "/" + entry.file)
                let count = reader.sampleCount
                let shardIds = try reader.ids()
                // 2 s at 22 050 Hz, hop 353, centred: 1 + 44 100 / 353 = 125 frames of 257 bins.
                XCTAssertEqual(try reader.shape(of: "audio"), [count, 257, 125])
                XCTAssertEqual(try reader.shape(of: "frames"), [count, 2, 64, 64, 3])
                // Two JPEGs per frame folder; 2.5 s videos give frames at 0, 1, 2 s, cut to 2.
                XCTAssertEqual(try reader.int32Column("frame_count"), Array(repeating: 2,
                                                                             count: count))
                for (index, (id, label)) in zip(shardIds, try reader.int64Column("label"))
                    .enumerated() {
                    XCTAssertEqual(manifest.classes[Int(label)], expected.labels[id], id)
                    if id == "fr-3" || id == "ru-7" {
                        audioOf[id] = try reader.readFloat32("audio", sample: index)
                    }
                }
                ids += shardIds
            }
            XCTAssertEqual(ids.sorted(), expected.splits[split]?.sorted(), split)
        }
        XCTAssertEqual(expected.videos.count, 10, "ru clips come as videos")

        let reference = try cremaSpectrograms(of: ["fr-3", "ru-7"], root: root)
        for id in ["fr-3", "ru-7"] {
            let mine = try XCTUnwrap(audioOf[id], id)
            // Same bytes through the same stages: equal to the last bit (tolerance 0).
            XCTAssertEqual(mine.count, 257 * 125)
            // Speech, not silence: the log-magnitudes span more than 5 (a factor of e⁵ ≈ 150).
            XCTAssertGreaterThan((mine.max() ?? 0) - (mine.min() ?? 0), 5, id)
            XCTAssertEqual(mine, reference[id], id)
        }
    }

    /// The `audio` rows that `prep crema` writes for the digits' WAVs copied into a CREMA-D
    /// layout, with the same audio settings as the layout file's `pipeline` section.
    private func cremaSpectrograms(of ids: [String], root: String) throws -> [String: [Float]] {
        let crema = scratch + "/crema"
        let manager = FileManager.default
        var names: [String: String] = [:]
        var rows: [String] = []
        for (offset, id) in ids.enumerated() {
            let clip = "10\(String(format: "%02d", 1 + offset))_DFA_ANG_XX"
            names[clip] = id
            rows.append("\(clip),ANG")
            try manager.createDirectory(atPath: crema + "/Image-01-FPS/\(clip)",
                                        withIntermediateDirectories: true)
            try manager.createDirectory(atPath: crema + "/AudioWAV",
                                        withIntermediateDirectories: true)
            try manager.copyItem(atPath: root + "/wav/\(id).wav",
                                 toPath: crema + "/AudioWAV/\(clip).wav")
            try manager.copyItem(atPath: root + "/frames/en-0/00000.jpg",
                                 toPath: crema + "/Image-01-FPS/\(clip)/00000.jpg")
        }
        try manager.createDirectory(atPath: crema + "/annotations",
                                    withIntermediateDirectories: true)
        try Data((rows[0] + "\n").utf8).write(to: URL(fileURLWithPath: crema
                                                       + "/annotations/train.csv"))
        try Data((rows[1] + "\n").utf8).write(to: URL(fileURLWithPath: crema
                                                       + "/annotations/test.csv"))

        guard let base = PipelineConfig.builtIn("crema") else {
            throw CocoaError(.coderInvalidValue)
        }
        let config = try PipelineConfig.load(data: Data(#"{"audio": {"clip_seconds": 2}}"#.utf8),
                                             path: "inline", over: base)
        var options = PrepOptions(dataset: "crema", root: crema, config: config)
        options.cacheRoot = scratch + "/crema-cache"
        options.quiet = true
        let summary = try PrepRunner.run(options)
        var out: [String: [Float]] = [:]
        for entry in try Manifest.load(cacheFolder: summary.cacheFolder).splits.values.joined() {
            let reader = try ShardReader(path: summary.cacheFolder + "/" + entry.file)
            for (index, clip) in try reader.ids().enumerated() {
                out[names[clip] ?? clip] = try reader.readFloat32("audio", sample: index)
            }
        }
        return out
    }
}
