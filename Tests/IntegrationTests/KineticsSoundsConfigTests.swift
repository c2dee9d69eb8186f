import Cache
import Datasets
import Foundation
import Pipeline
import XCTest

/// pipelines/ks.json, the class settings it carries and how they reach the layout.
final class KineticsSoundsConfigTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func testCommittedFileIsTheBuiltInConfig() throws {
        let path = repository.appendingPathComponent("pipelines/ks.json").path
        let loaded = try PipelineConfig.load(path: path, dataset: "ks").validated(path: path)
        XCTAssertEqual(loaded, PipelineConfig.builtIn("ks"))
        XCTAssertEqual(loaded.classes, 31)
        XCTAssertEqual(loaded.framesPerClip, 3)
        XCTAssertEqual(loaded.audio.binCount, 257)
        XCTAssertEqual(loaded.audio.frameCount, 1003)   // 1 + 354 000 / 353
    }

    func testCremaConfigRecordsNoClassSettings() throws {
        let crema = try XCTUnwrap(PipelineConfig.builtIn("crema"))
        guard case .object(let members) = try JSONValue.from(crema) else {
            return XCTFail("not an object")
        }
        for key in ["classes", "class_order", "class_names", "label_base", "frames_per_clip"] {
            XCTAssertNil(members[key], key)
        }
    }

    func testConfigReachesTheLayout() throws {
        var config = try XCTUnwrap(PipelineConfig.builtIn("ks"))
        config.classes = 33
        config.classOrder = "first-appearance"
        config.classNames = "annotations/classes.txt"
        config.labelBase = 1
        let layout = try XCTUnwrap(Layouts.named("ks", config: config) as? KineticsSoundsLayout)
        XCTAssertEqual(layout.options.expectedClasses, 33)
        XCTAssertEqual(layout.options.classOrder, .firstAppearance)
        XCTAssertEqual(layout.options.classNamesFile, "annotations/classes.txt")
        XCTAssertEqual(layout.options.labelBase, 1)
        XCTAssertEqual(Layouts.named("kinetics-sounds")?.name, "ks")
    }

    func testBadClassSettingsAreConfigErrors() throws {
        let file = NSTemporaryDirectory() + "amss-ks-config-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        for (text, reason) in [(#"{"class_order": "random"}"#, "class_order must be"),
                               (#"{"label_base": 2}"#, "label_base must be 0 or 1"),
                               (#"{"classes": 0}"#, "classes must be ≥ 1"),
                               (#"{"frames_per_clip": 0}"#, "frames_per_clip must be ≥ 1")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            XCTAssertThrowsError(try PipelineConfig.load(path: file, dataset: "ks")
                .validated(path: file)) { error in
                XCTAssertTrue((error as? PipelineError)?.reason.contains(reason) ?? false,
                              "\(text): \(error)")
            }
        }
        try Data(#"{"class_names": "annotations/names.txt"}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(try PipelineConfig.load(path: file, dataset: "ks").classNames,
                       "annotations/names.txt")
    }
}
