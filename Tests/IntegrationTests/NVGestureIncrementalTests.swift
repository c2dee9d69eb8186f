import Cache
import Foundation
import Media
import XCTest

/// `amss prep nvgesture` on a copy of the real-media layout: an unchanged rerun reuses every
/// shard file byte for byte and untouched; a touched recording, or an added one, rebuilds only
/// its own shard; computed flow is the flow of consecutive kept frames.
final class NVGestureIncrementalTests: XCTestCase {
    private var scratch = ""
    private var root = ""

    override func setUpWithError() throws {
        let repository = CacheTestSupport.repository()
        let source = ProcessInfo.processInfo.environment["AMSS_REAL_NVGESTURE"]
            ?? repository + "/tools/.media/nvgesture-real"
        guard FileManager.default.fileExists(atPath: source + "/EXPECTED.json") else {
            XCTFail("no real-media NVGesture layout at \(source): run tools/test.sh")
            throw CocoaError(.fileNoSuchFile)
        }
        scratch = try CacheTestSupport.scratch("nvg-incremental")
        root = scratch + "/root"
        try FileManager.default.copyItem(atPath: source, toPath: root)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    /// Runs prep with `config` (JSON text); returns the summary and the cache folder.
    private func prep(_ config: String) throws -> ([String: Any], String) {
        let file = scratch + "/config.json"
        try Data(config.utf8).write(to: URL(fileURLWithPath: file))
        let run = try CacheTestSupport.amss(["prep", "nvgesture", root, "--cache",
                                             scratch + "/cache", "--config", file, "--json"])
        XCTAssertEqual(run.status, 0, run.err)
        let last = run.out.split(separator: "\n").last.map(String.init) ?? ""
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(last.utf8))
            as? [String: Any], run.out + run.err)
        return (summary, try XCTUnwrap(summary["cache_folder"] as? String))
    }

    /// SHA-256 and stamp (size, modification time in ns) of every shard file.
    private func shards(_ folder: String) throws -> [String: (String, FileStamp?)] {
        var result: [String: (String, FileStamp?)] = [:]
        for file in CacheFiles.shardFiles(in: folder) {
            let path = folder + "/" + file
            result[file] = (try SHA256.hex(ofFile: path), FileStamp.of(path))
        }
        return result
    }

    /// The files whose digest or stamp differ between two listings (and those in one only).
    private func changed(_ a: [String: (String, FileStamp?)],
                         _ b: [String: (String, FileStamp?)]) -> Set<String> {
        Set(a.keys).union(b.keys).filter { a[$0]?.0 != b[$0]?.0 || a[$0]?.1 != b[$0]?.1 }
    }

    /// The shard file that holds `id`, from the manifest.
    private func shardFile(of id: String, in folder: String) throws -> String {
        for (_, entry) in try Manifest.load(cacheFolder: folder).allEntries {
            if try ShardReader(path: folder + "/" + entry.file).ids().contains(id) {
                return entry.file
            }
        }
        throw CocoaError(.fileNoSuchFile)
    }

    func testRerunReusesAndChangesRebuildOneShard() throws {
        let config = #"{"preset": "lite", "frames": 8, "shard_size": 2}"#
        let (first, folder) = try prep(config)
        let before = try shards(folder)
        // 5 train gestures in ⌈5 / 2⌉ = 3 buckets, 2 test gestures in 1 (empty buckets have no
        // file).
        XCTAssertEqual(first["shards_written"] as? Int, before.count)
        XCTAssertGreaterThanOrEqual(before.count, 3)

        let (second, sameFolder) = try prep(config)
        XCTAssertEqual(sameFolder, folder)
        XCTAssertEqual(second["shards_written"] as? Int, 0)
        XCTAssertEqual(second["shards_reused"] as? Int, before.count)
        XCTAssertEqual(changed(before, try shards(folder)), [])

        // A newer modification time on one recording's RGB video rebuilds its shard only.
        let touchedId = "class_04/subject2_r0"
        let touchedShard = try shardFile(of: touchedId, in: folder)
        let video = root + "/Video_data/\(touchedId)/sk_color.avi"
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)],
                                              ofItemAtPath: video)
        let (third, _) = try prep(config)
        XCTAssertEqual(third["shards_written"] as? Int, 1)
        XCTAssertEqual(third["shards_reused"] as? Int, before.count - 1)
        let afterTouch = try shards(folder)
        XCTAssertEqual(changed(before, afterTouch), [touchedShard])
        XCTAssertEqual(afterTouch[touchedShard]?.0, before[touchedShard]?.0,
                       "same media bytes give the same shard bytes")

        // An added recording (a copy of another one in a new folder, one more list line)
        // rebuilds only the shard its id hashes to.
        let addedId = "class_04/subject11_r0"
        try FileManager.default.copyItem(atPath: root + "/Video_data/class_04/subject2_r0",
                                         toPath: root + "/Video_data/" + addedId)
        let list = root + "/nvgesture_train_correct_v2.lst"
        var text = try String(contentsOfFile: list, encoding: .utf8)
        text += "path:./Video_data/\(addedId) depth:sk_depth:0:60 color:sk_color:0:60 "
            + "duo_left:duo_left:3:63 label:4\r\n"
        try text.write(toFile: list, atomically: false, encoding: .utf8)
        let (fourth, _) = try prep(config)
        let afterAdd = try shards(folder)
        let addedShard = try shardFile(of: addedId, in: folder)
        XCTAssertEqual(fourth["shards_written"] as? Int, 1)
        XCTAssertEqual(changed(afterTouch, afterAdd), [addedShard])
        XCTAssertEqual((fourth["samples"] as? [String: Int])?["train"], 6)
    }

    /// `flow: compute` stores, for kept frame t < T − 1, the Farnebäck flow from the luma of
    /// RGB frame t to that of frame t + 1 as cached (float16 of `FarnebackFlow`, exactly), and
    /// zeros for the last frame; the moving recording class_07/subject3_r1 has a mean
    /// displacement above 0.2 px.
    func testComputedFlowIsFlowOfConsecutiveKeptFrames() throws {
        let (_, folder) = try prep(#"{"preset": "lite", "frames": 8, "flow": "compute"}"#)
        let id = "class_07/subject3_r1"
        let reader = try ShardReader(path: folder + "/" + (try shardFile(of: id, in: folder)))
        let row = try XCTUnwrap(try reader.ids().firstIndex(of: id))
        XCTAssertEqual(try reader.shape(of: "flow"), [reader.sampleCount, 8, 112, 112, 2])
        XCTAssertEqual(try reader.readUInt8("flow_computed", sample: row), [1])
        XCTAssertEqual(try reader.readUInt8("flow_present", sample: row), [1])
        let rgb = try reader.readUInt8("rgb", sample: row)
        let flow = try reader.readFloat32("flow", sample: row)
        let plane = 112 * 112
        let method = try FarnebackFlow()
        var moving = 0.0
        for t in 0..<7 {
            let gray = { (index: Int) -> [Float] in
                GestureFrameReader.luma(Array(rgb[(index * plane * 3)..<((index + 1) * plane * 3)]))
                    .map { Float($0) }
            }
            let want = try method.flow(from: gray(t), to: gray(t + 1), width: 112, height: 112)
                .map { Float(Float16($0)) }
            XCTAssertEqual(Array(flow[(t * plane * 2)..<((t + 1) * plane * 2)]), want, "t \(t)")
            moving += want.enumerated().filter { $0.offset % 2 == 0 }.map {
                hypot(Double($0.element), Double(want[$0.offset + 1])) }.reduce(0, +)
        }
        XCTAssertEqual(Array(flow[(7 * plane * 2)...]).map(abs).max(), 0)
        XCTAssertGreaterThan(moving / Double(7 * plane), 0.2)
    }

    /// `amss bench prep --dataset nvgesture --json`: the full run prepares the layout's 7 usable
    /// gestures (5 train, 2 test), the unchanged rerun reuses every shard the first wrote, and
    /// the decode and flow stages were timed.
    func testBenchPrepReportsRunsAndStages() throws {
        let run = try CacheTestSupport.amss(["bench", "prep", root, "--dataset", "nvgesture",
                                             "--json"])
        XCTAssertEqual(run.status, 0, run.err)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.out.utf8))
            as? [String: Any], run.out)
        XCTAssertEqual(report["samples"] as? Int, 7)
        let first = try XCTUnwrap(report["first"] as? [String: Any])
        let second = try XCTUnwrap(report["second"] as? [String: Any])
        let written = try XCTUnwrap(first["shards_written"] as? Int)
        XCTAssertGreaterThanOrEqual(written, 2)
        XCTAssertEqual(second["shards_written"] as? Int, 0)
        XCTAssertEqual(second["shards_reused"] as? Int, written)
        XCTAssertGreaterThan(first["samples_per_second"] as? Double ?? 0, 0)
        let stages = try XCTUnwrap(report["stages"] as? [String: Double])
        for stage in ["rgb", "depth", "flow compute", "write"] {
            XCTAssertGreaterThan(stages[stage] ?? 0, 0, stage)
        }
    }
}
