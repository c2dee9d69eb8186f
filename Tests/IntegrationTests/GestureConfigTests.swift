import Foundation
import Pipeline
import XCTest

/// pipelines/nvgesture*.json against the built-in presets, and bad values.
final class GestureConfigTests: XCTestCase {
    private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func testCommittedFilesAreThePresets() throws {
        let lite = try GestureConfig.load(path: repository.appendingPathComponent(
            "pipelines/nvgesture.json").path)
        XCTAssertEqual(lite, GestureConfig.lite)
        XCTAssertEqual([lite.frames, lite.width, lite.height], [32, 112, 112])
        let reference = try GestureConfig.load(path: repository.appendingPathComponent(
            "pipelines/nvgesture-reference.json").path)
        XCTAssertEqual(reference, GestureConfig.reference)
        XCTAssertEqual([reference.frames, reference.width, reference.height], [80, 256, 256])
    }

    func testOverridesAndErrors() throws {
        let file = NSTemporaryDirectory() + "amss-gesture-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(#"{"preset": "reference", "frames": 64}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let custom = try GestureConfig.load(path: file)
        XCTAssertEqual(custom.frames, 64)
        XCTAssertEqual(custom.width, 256)
        XCTAssertEqual([custom.flow, custom.flowFrom], ["precomputed", "rgb"])
        try Data(#"{"flow": "compute", "flow_from": "depth"}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let computed = try GestureConfig.load(path: file)
        XCTAssertEqual([computed.flow, computed.flowFrom, computed.preset],
                       ["compute", "depth", "lite"])
        for (text, reason) in [(#"{"preset": "huge"}"#, "unknown preset"),
                               (#"{"fps": 30}"#, "unknown key 'fps'"),
                               (#"{"frames": 0}"#, "frames must be ≥ 1"),
                               (#"{"flow": "farneback"}"#, "flow must be"),
                               (#"{"flow_from": "ir"}"#, "flow_from must be rgb or depth"),
                               (#"{"width": "wide"}"#, "wrong type")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            XCTAssertThrowsError(try GestureConfig.load(path: file)) { error in
                XCTAssertTrue((error as? PipelineError)?.reason.contains(reason) ?? false,
                              "\(text): \(error)")
            }
        }
    }
}
