import Cache
import Foundation
import Media
import Pipeline
import XCTest

/// The image and text sections of pipeline configs: files, keys, schema, vocabulary errors.
final class TextImageConfigTests: XCTestCase {
    private let root = "/data/sarcasm"
    private var repository: String { CacheTestSupport.repository() }
    private var vocabulary: String {
        repository + "/Tests/TextTests/Fixtures/vocab/bert-base-uncased.txt"
    }

    private func builtIn(_ dataset: String) throws -> PipelineConfig {
        try XCTUnwrap(PipelineConfig.builtIn(dataset), dataset)
    }

    func testPipelineFilesAreTheBuiltInConfigs() throws {
        for dataset in ["sarcasm", "twitter15"] {
            let path = repository + "/pipelines/\(dataset).json"
            XCTAssertEqual(try PipelineConfig.load(path: path, dataset: dataset)
                            .validated(path: path), try builtIn(dataset), dataset)
        }
    }

    func testSectionsFollowTheDatasetsInputs() throws {
        let crema = try JSONValue.from(try builtIn("crema"))
        XCTAssertNotNil(crema["audio"])
        XCTAssertNil(crema["image"])
        XCTAssertNil(crema["text"])
        let sarcasm = try JSONValue.from(try builtIn("sarcasm"))
        XCTAssertNil(sarcasm["audio"])
        XCTAssertNil(sarcasm["frames"])
        XCTAssertEqual(sarcasm["text"]?["max_length"], .number(128))
        XCTAssertEqual(sarcasm["image"]?["width"], .number(224))
        XCTAssertEqual(try builtIn("sarcasm").inputs, [.image, .text])
        XCTAssertEqual(try builtIn("crema").inputs, [.audio, .frames])
        XCTAssertEqual(try builtIn("twitter15").shardSchema.datasets.map(\.name),
                       ["ids", "label", "image", "tokens", "attention_mask"])
    }

    func testAudioKeyInAnImageTextConfigIsUnknown() throws {
        let path = NSTemporaryDirectory() + "amss-sarcasm-\(UUID().uuidString).json"
        defer { unlink(path) }
        try Data(#"{"audio": {"sample_rate": 16000}}"#.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PipelineConfig.load(path: path, dataset: "sarcasm")) { error in
            XCTAssertEqual((error as? PipelineError)?.path, path)
            XCTAssertTrue((error as? PipelineError)?.reason.contains("'audio'") == true,
                          "\(error)")
        }
        try Data(#"{"text": {"mode": "bert"}}"#.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PipelineConfig.load(path: path, dataset: "sarcasm"))
    }

    func testKeyChangesWithTextAndImageSettingsButNotWithTheVocabularyPath() throws {
        var base = try builtIn("sarcasm")
        base.text?.vocab = "/one/vocab.txt"
        base.text?.vocabSHA256 = String(repeating: "a", count: 64)
        let key = try base.key(sourceRoot: root)

        var moved = base
        moved.text?.vocab = "/elsewhere/vocab.txt"
        XCTAssertEqual(try moved.key(sourceRoot: root), key)

        var changes: [(String, (inout PipelineConfig) -> Void)] = [
            ("vocab_sha256", { $0.text?.vocabSHA256 = String(repeating: "b", count: 64) }),
            ("max_length", { $0.text?.maxLength = 64 }),
            ("mode", { $0.text?.mode = .reference }),
            ("do_lower_case", { $0.text?.doLowerCase = false }),
            ("strip_accents", { $0.text?.stripAccents = false }),
            ("image width", { $0.image?.width = 112 }),
            ("exif_orientation", { $0.image?.exifOrientation = false }),
        ]
        var keys = Set([key])
        for (name, change) in changes {
            var changed = base
            change(&changed)
            XCTAssertTrue(keys.insert(try changed.key(sourceRoot: root)).inserted, name)
        }
        changes.removeAll()
    }

    func testVocabularyIsResolvedPinnedOrNamedInTheError() throws {
        let text = TextConfig()
        XCTAssertThrowsError(try text.resolvingVocabulary(nil, configPath: "c.json")) { error in
            XCTAssertEqual((error as? PipelineError)?.code, "missing-vocab")
        }
        let absent = "/nonexistent/vocab.txt"
        XCTAssertThrowsError(try text.resolvingVocabulary(absent, configPath: "c.json")) {
            XCTAssertEqual(($0 as? PipelineError)?.path, absent)
            XCTAssertEqual(($0 as? PipelineError)?.code, "missing-vocab")
        }

        let resolved = try text.resolvingVocabulary(vocabulary, configPath: "c.json")
        XCTAssertEqual(resolved.vocabSHA256, try SHA256.hex(ofFile: vocabulary))
        var pinned = text
        pinned.vocabSHA256 = String(repeating: "0", count: 64)
        XCTAssertThrowsError(try pinned.resolvingVocabulary(vocabulary, configPath: "c.json")) {
            XCTAssertEqual(($0 as? PipelineError)?.code, "vocab-mismatch")
        }
        pinned.vocabSHA256 = resolved.vocabSHA256
        XCTAssertEqual(try pinned.resolvingVocabulary(vocabulary, configPath: "c.json"), resolved)
    }

    func testPrepWithoutVocabularyFailsNamingTheFile() throws {
        let absent = NSTemporaryDirectory() + "amss-no-vocab-\(UUID().uuidString).txt"
        let out = try CacheTestSupport.amss(["prep", "sarcasm", NSTemporaryDirectory(),
                                             "--vocab", absent, "--cache",
                                             NSTemporaryDirectory() + "amss-unused"])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.err.contains(absent), out.err)
        XCTAssertTrue(out.err.contains("missing-vocab"), out.err)
    }
}
