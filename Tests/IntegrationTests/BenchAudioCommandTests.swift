import Foundation
import Media
import XCTest

/// `amss bench audio` as users run it: rounds and their medians against a stand-in reference
/// script whose time per clip is fixed, rejected files named, and exit 1 when nothing is usable.
final class BenchAudioCommandTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = try CacheTestSupport.scratch("bench-audio")
    }

    override func tearDownWithError() throws {
        if !scratch.isEmpty { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// Three 1 s tone clips at 16 kHz, a 0-byte WAV and a text file named .wav in `folder`.
    private func writeClips(_ folder: String, bad: Bool) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for k in 1...3 {
            let tone = (0..<16_000).map { Float(0.3 * sin(Double($0 * k) * 0.05)) }
            try AudioFile.writeWAV16(path: "\(folder)/tone\(k).wav", samples: tone,
                                     sampleRate: 16_000)
        }
        guard bad else { return }
        FileManager.default.createFile(atPath: folder + "/empty.wav", contents: Data())
        try Data("not audio\n".utf8).write(to: URL(fileURLWithPath: folder + "/text.wav"))
    }

    /// A reference script that reports 10 ms per clip for whatever it is given.
    private func standIn() throws -> String {
        let path = scratch + "/stand_in.py"
        let script = """
            import json, sys
            files = open(sys.argv[sys.argv.index("--files") + 1]).read().split()
            passes = int(sys.argv[sys.argv.index("--passes") + 1])
            n = len(files) * passes
            print(json.dumps({"librosa": "stand-in", "clips": n, "seconds": n / 100,
                              "clips_per_second": 100.0, "ms_per_clip": 10.0,
                              "cpu_ms_per_clip": 10.0, "shape": [257, 188],
                              "steps_ms_per_clip": {"load": 10.0}}))
            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testRoundsEndWithTheMedianAndRangeOfTheirRatios() throws {
        let folder = scratch + "/clips"
        try writeClips(folder, bad: false)
        let bench = try CacheTestSupport.amss(["bench", "audio", folder, "--passes", "1",
                                               "--rounds", "3", "--json",
                                               "--python", try standIn()])
        XCTAssertEqual(bench.status, 0, bench.err)
        let line = bench.out.split(separator: "\n").last.map(String.init) ?? ""
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8))
            as? [String: Any])
        let rounds = try XCTUnwrap(report["rounds"] as? [[String: Any]])
        XCTAssertEqual(rounds.count, 3)
        for round in rounds {
            XCTAssertGreaterThan(round["write_ms_per_clip"] as? Double ?? 0, 0)
            XCTAssertEqual(round["shard_size"] as? Int, 64)
        }

        for (key, side) in [("speed_up", "amss"), ("batched_speed_up", "amss_batched")] {
            let ratios = try rounds.map { round -> Double in
                let ours = try XCTUnwrap(round[side] as? [String: Any])
                let ms = try XCTUnwrap(ours["ms_per_clip"] as? Double)
                let ratio = try XCTUnwrap(ours["speed_up"] as? Double)
                XCTAssertEqual(ratio, 10 / ms, accuracy: 1e-9 * ratio)
                return ratio
            }.sorted()
            let spread = try XCTUnwrap(report[key] as? [String: Double])
            XCTAssertEqual(spread["median"], ratios[1])
            XCTAssertEqual(spread["least"], ratios[0])
            XCTAssertEqual(spread["greatest"], ratios[2])
        }
    }

    func testRejectedFilesAreNamedAndNothingUsableExitsOne() throws {
        let folder = scratch + "/mixed"
        try writeClips(folder, bad: true)
        let mixed = try CacheTestSupport.amss(["bench", "audio", folder, "--passes", "1",
                                               "--skip-python"])
        XCTAssertEqual(mixed.status, 0, mixed.err)
        for name in ["empty.wav", "text.wav"] {
            XCTAssertTrue(mixed.out.contains("rejected: \(folder)/\(name): "), mixed.out)
        }

        let bad = scratch + "/bad"
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: bad + "/empty.wav", contents: Data())
        let none = try CacheTestSupport.amss(["bench", "audio", bad, "--skip-python"])
        XCTAssertEqual(none.status, 1, none.err)
        XCTAssertTrue(none.err.contains("\(bad)/empty.wav"), none.err)
        XCTAssertTrue(none.err.contains("no-usable-audio"), none.err)
    }
}
