import Cache
import Datasets
import Foundation
import Pipeline
import XCTest

/// A layout file's `pipeline` section, its config key, and the commands' handling of a bad file.
final class FolderPipelineTests: XCTestCase {
    private static let body = """
        "splits": {"train": {"file": "t.csv", "id_column": 0, "label_column": 1}},
        "modalities": {"audio": "wav/{id}.wav", "frames": "frames/{id}/"}
        """

    private func file(_ text: String, path: String = "l.json") throws -> FolderLayoutFile {
        try FolderLayoutFile(data: Data(text.utf8), path: path)
    }

    func testThePipelineSectionOverridesTheDefaults() throws {
        let config = try FolderPipeline.config(for: try file("""
            {\(Self.body), "name": "mine",
             "pipeline": {"audio": {"clip_seconds": 2, "sample_rate": 16000},
                          "frames": {"width": 32}, "shard_size": 8}}
            """))
        XCTAssertEqual(config.dataset, "mine")
        XCTAssertEqual(config.audio.clipSeconds, 2)
        XCTAssertEqual(config.audio.sampleRate, 16_000)
        XCTAssertEqual(config.audio.nFFT, 512, "keys left out keep the built-in value")
        XCTAssertEqual(config.frames.width, 32)
        XCTAssertEqual(config.frames.height, 224)
        XCTAssertEqual(config.shardSize, 8)
        XCTAssertEqual(config.layout?["name"], .string("mine"))
    }

    func testABadPipelineSectionIsALayoutErrorAtPipeline() throws {
        for (section, fragment) in [
            (#"{"audio": {"sampel_rate": 8000}}"#, "unknown key 'audio.sampel_rate'"),
            (#"{"audio": {"sample_rate": -1}}"#, "audio.sample_rate must be > 0"),
            (#"{"frames": {"width": "wide"}}"#, "'frames.width' has the wrong type"),
            (#"{"dataset": "crema"}"#, "the config is for dataset 'crema'"),
        ] {
            XCTAssertThrowsError(try FolderPipeline.config(
                for: try file("{\(Self.body), \"pipeline\": \(section)}"))) { error in
                let layout = error as? FolderLayoutError
                XCTAssertEqual(layout?.keyPath, "pipeline", section)
                XCTAssertTrue(layout?.reason.contains(fragment) ?? false,
                              "\(String(describing: layout)) lacks \(fragment)")
            }
        }
    }

    func testTheConfigKeyFollowsTheLayoutContentNotItsFormatting() throws {
        let compact = try file("{\(Self.body)}", path: "a.json")
        let spread = try file("{\n    \(Self.body.replacingOccurrences(of: ", ", with: ",\n  "))"
                              + "\n}\n", path: "elsewhere/b.json")
        let changed = try file("{\(Self.body), \"labels\": [\"no\", \"yes\"]}", path: "a.json")
        let key = { (layout: FolderLayoutFile) in
            try FolderPipeline.config(for: layout).key(sourceRoot: "/data/set")
        }
        XCTAssertEqual(try key(compact), try key(spread))
        XCTAssertNotEqual(try key(compact), try key(changed))
        let unrecorded = try FolderPipeline.config(for: compact)
        var without = unrecorded
        without.layout = nil
        XCTAssertNotEqual(try unrecorded.key(sourceRoot: "/r"), try without.key(sourceRoot: "/r"))
    }

    func testTheCommandsReportABadLayoutFileWithItsKeyPath() throws {
        let scratch = NSTemporaryDirectory() + "amss-folder-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch + "/root",
                                                withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try Data("clip,word\na,one\n".utf8).write(to: URL(fileURLWithPath: scratch
                                                          + "/root/t.csv"))
        let bad = scratch + "/bad.json"
        try Data("""
            {"splits": {"train": {"file": "t.csv", "id_column": "clip",
                                  "label_column": "emotion"}},
             "modalities": {"audio": "wav/{id}.wav", "frames": "frames/{id}/"}}
            """.utf8).write(to: URL(fileURLWithPath: bad))
        let validate = try CacheTestSupport.amss(["validate", "folder", scratch + "/root",
                                                  "--layout", bad])
        XCTAssertEqual(validate.status, 1)
        XCTAssertTrue(validate.out.contains("error: \(bad): splits.train.label_column: no column "
                                            + "'emotion' in t.csv (columns: 'clip', 'word') "
                                            + "(layout)"), validate.out)
        let prepBad = try CacheTestSupport.amss(["prep", "folder", scratch + "/root", "--layout",
                                                 bad, "--cache", scratch + "/cache", "--quiet"])
        XCTAssertEqual(prepBad.status, 1)
        XCTAssertTrue(prepBad.err.hasPrefix("amss: \(bad): splits.train.label_column: no column "
                                            + "'emotion'"), prepBad.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/cache"),
                       "nothing is written for a layout file that does not fit")

        let typo = scratch + "/typo.json"
        try Data(#"{"splits": {}, "modalites": {}}"#.utf8).write(to: URL(fileURLWithPath: typo))
        let prep = try CacheTestSupport.amss(["prep", "folder", scratch + "/root", "--layout",
                                              typo, "--cache", scratch + "/cache", "--quiet"])
        XCTAssertEqual(prep.status, 1)
        XCTAssertTrue(prep.err.contains("\(typo): modalites: unknown key 'modalites'; did you "
                                        + "mean 'modalities'?"), prep.err)
        let json = try CacheTestSupport.amss(["validate", "folder", scratch + "/root",
                                              "--layout", typo, "--json"])
        XCTAssertEqual(json.status, 1)
        XCTAssertTrue(json.out.contains("\"code\":\"layout\""), json.out)

        XCTAssertEqual(try CacheTestSupport.amss(["validate", "folder", scratch]).status, 2,
                       "folder without --layout is a usage error")
        XCTAssertEqual(try CacheTestSupport.amss(["prep", "crema", scratch, "--layout",
                                                  bad]).status, 2)
    }
}
