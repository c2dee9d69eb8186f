import Cache
import Foundation
import Pipeline
import XCTest

/// `prep` on small synthetic layouts: reruns, two roots, partial configs, fail-fast.
final class PrepBehaviourTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "amss-prep-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    private func sample(_ name: String) throws -> String {
        var demo = DemoDataset()
        demo.perClass = ["train": 2, "test": 1]
        try demo.write(to: scratch + "/" + name)
        return scratch + "/" + name
    }

    private func prep(_ root: String, failFast: Bool = false) throws -> PrepSummary {
        guard let config = PipelineConfig.builtIn("crema") else {
            throw CocoaError(.featureUnsupported)
        }
        var options = PrepOptions(dataset: "crema", root: root, config: config)
        options.cacheRoot = scratch + "/cache"
        options.quiet = true
        options.failFast = failFast
        return try PrepRunner.run(options)
    }

    func testRerunsKeepTheRejectedListStable() throws {
        let root = try sample("a")
        let rows = try String(contentsOfFile: root + "/annotations/train.csv", encoding: .utf8)
        let first = rows.split(separator: "\r\n").first.map(String.init) ?? ""
        try (rows + first + "\r\n").write(toFile: root + "/annotations/train.csv",
                                           atomically: true, encoding: .utf8)

        let one = try prep(root)
        let two = try prep(root)
        let three = try prep(root)
        XCTAssertEqual(one.rejectedByCode, ["duplicate-id": 1])
        XCTAssertEqual(three.rejectedByCode, ["duplicate-id": 1])
        XCTAssertEqual(two.shardsWritten + three.shardsWritten, 0)
        XCTAssertEqual(try Manifest.load(cacheFolder: three.cacheFolder).rejected.count, 1)

        XCTAssertThrowsError(try prep(root, failFast: true)) { error in
            XCTAssertEqual((error as? PipelineError)?.code, "duplicate-id")
        }
    }

    func testATruncatedWAVIsPreparedAndItsWarningKeptInTheManifest() throws {
        let root = try sample("a")
        let names = try FileManager.default.contentsOfDirectory(atPath: root + "/AudioWAV")
            .filter { $0.hasSuffix(".wav") }.sorted()
        let name = try XCTUnwrap(names.first)
        let path = root + "/AudioWAV/" + name
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        // The header still declares every sample; a third of the data is gone.
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: path))

        let one = try prep(root)
        let two = try prep(root)

        let id = String(name.dropLast(4))
        XCTAssertEqual(one.rejected, 0)
        // validation warns of the same truncation, counted once, and of the missing valid split
        XCTAssertEqual(one.warningsByCode, ["truncated": 1, "empty-split": 1])
        XCTAssertEqual(two.shardsWritten, 0)
        XCTAssertEqual(two.warningsByCode, ["truncated": 1, "empty-split": 1])
        XCTAssertEqual(one.warnings, 2)
        XCTAssertEqual(two.warnings, 2)
        let warnings = try XCTUnwrap(try Manifest.load(cacheFolder: two.cacheFolder).warnings)
        XCTAssertEqual(warnings.map(\.id), [id])
        XCTAssertEqual(warnings.map(\.path), ["AudioWAV/" + name])
        XCTAssertEqual(warnings.map(\.code), ["truncated"])
    }

    func testAOneCharacterRelativeCacheFolderIsCreated() throws {
        let root = try sample("a")
        guard let config = PipelineConfig.builtIn("crema") else {
            throw CocoaError(.featureUnsupported)
        }
        var options = PrepOptions(dataset: "crema", root: root, config: config)
        options.cacheRoot = "c"
        options.quiet = true
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(scratch))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }

        let summary = try PrepRunner.run(options)

        XCTAssertTrue(summary.cacheFolder.hasPrefix("c/crema/"), summary.cacheFolder)
        XCTAssertNoThrow(try Manifest.load(cacheFolder: scratch + "/" + summary.cacheFolder))
    }

    func testAVocabularyThatIsNotARegularFileIsRefusedAtOnce() throws {
        for device in ["/dev/zero", "/dev/null"] {
            XCTAssertThrowsError(try TextConfig().resolvingVocabulary(device,
                                                                      configPath: "c.json")) {
                XCTAssertEqual(($0 as? PipelineError)?.path, device)
                XCTAssertTrue(($0 as? PipelineError)?.reason.contains("not a regular file")
                              == true, "\($0)")
            }
        }
    }

    func testTwoDatasetRootsNeverShareACacheFolder() throws {
        let first = try prep(try sample("a"))
        let second = try prep(try sample("b"))
        XCTAssertNotEqual(first.cacheFolder, second.cacheFolder)
        let manifest = try Manifest.load(cacheFolder: first.cacheFolder)
        for entry in manifest.splits.values.joined() {
            XCTAssertEqual(try SHA256.hex(ofFile: first.cacheFolder + "/" + entry.file),
                           entry.sha256, "the first cache was touched by the second prep")
        }
    }

    func testPartialConfigOverridesOnlyItsKeys() throws {
        let path = scratch + "/config.json"
        try #"{"audio": {"fit": "tile3"}, "frames": {"max_frames": 3}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let config = try PipelineConfig.load(path: path, dataset: "crema")
        var expected = PipelineConfig.builtIn("crema")
        expected?.audio.fit = .tile3
        expected?.frames.maxFrames = 3
        XCTAssertEqual(config, expected)
    }

    func testConfigMistakesNameTheKey() throws {
        let cases = [
            (#"{"audio": {"nfft": 1024}}"#, "unknown key 'audio.nfft'"),
            (#"{"dataset": "ks"}"#, "the config is for dataset 'ks', not 'crema'"),
            (#"{"audio": {"n_fft": "big"}}"#, "'audio.n_fft' has the wrong type"),
            ("not json", "not a JSON object"),
        ]
        for (text, reason) in cases {
            let path = scratch + "/bad.json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try PipelineConfig.load(path: path, dataset: "crema")) { error in
                XCTAssertEqual((error as? PipelineError)?.reason, reason, text)
            }
        }
    }

    func testCommittedPipelineFileIsTheBuiltInConfig() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = repository.appendingPathComponent("pipelines/crema.json").path
        XCTAssertEqual(try PipelineConfig.load(path: path, dataset: "crema"),
                       PipelineConfig.builtIn("crema"))
    }

    func testAMissingSplitStopsPrepInsteadOfDroppingIt() throws {
        let root = try sample("a")
        try FileManager.default.removeItem(atPath: root + "/annotations/test.csv")
        XCTAssertThrowsError(try prep(root)) { error in
            XCTAssertEqual((error as? PipelineError)?.path, "annotations/test.csv")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/cache/crema"))
    }

    func testCompatReferenceSelectsTheReferenceRecipe() throws {
        let root = try sample("a")
        let process = Process()
        let bundle = Bundle(for: PrepBehaviourTests.self).bundleURL
        let binary = [bundle, bundle.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("amss").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "amss"
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["prep", "crema", root, "--cache", scratch + "/cache",
                             "--compat", "reference", "--quiet", "--json"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let summary = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let folder = try XCTUnwrap(summary?["cache_folder"] as? String)
        let config = try Manifest.load(cacheFolder: folder).config
        XCTAssertEqual(config["audio"]?["fit"], .string("tile3"))
        XCTAssertEqual(config["frames"]?["rule"], .string("reference-index"))
    }
}
