import Foundation
import XCTest

@testable import Media

/// The JSON form of `FrameConfig`: snake_case keys, defaults for missing keys, strict values.
final class FrameConfigTests: XCTestCase {
    private func decode(_ json: String) throws -> FrameConfig {
        try JSONDecoder().decode(FrameConfig.self, from: Data(json.utf8))
    }

    func testDefaults() throws {
        let config = try decode("{}")
        XCTAssertEqual(config, FrameConfig())
        XCTAssertEqual(config.fps, 1)
        XCTAssertEqual([config.width, config.height, config.maxFrames, config.minFrames],
                       [224, 224, 10, 1])
        XCTAssertEqual(config.rule, .firstOfSecond)
        XCTAssertEqual(config.scaler, "bilinear")
        XCTAssertEqual(config.resize, "stretch")
        XCTAssertNil(config.problem)
    }

    func testSnakeCaseKeysRoundTrip() throws {
        let config = try decode(#"{"fps": 2, "max_frames": 3, "min_frames": 0, "#
                                + #""rule": "ffmpeg-fps", "scaler": "area", "width": 112, "#
                                + #""height": 96, "unknown_key": true}"#)
        XCTAssertEqual(config.fps, 2)
        XCTAssertEqual(config.maxFrames, 3)
        XCTAssertEqual(config.minFrames, 0)
        XCTAssertEqual(config.rule, .ffmpegFPS)
        XCTAssertEqual(config.scaler, "area")
        XCTAssertEqual([config.width, config.height], [112, 96])

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(config), as: UTF8.self)
        XCTAssertEqual(text, #"{"fps":2,"height":96,"max_frames":3,"min_frames":0,"#
                       + #""resize":"stretch","rule":"ffmpeg-fps","scaler":"area","width":112}"#)
        XCTAssertEqual(try decode(text), config)
    }

    func testReferenceIndexAndCropAreAccepted() throws {
        let config = try decode(#"{"rule": "reference-index", "resize": "shorter-side-crop"}"#)
        XCTAssertEqual(config.rule, .referenceIndex)
        XCTAssertEqual(config.resize, "shorter-side-crop")
        XCTAssertNil(config.problem)
        XCTAssertEqual(FrameRule(rawValue: "reference-index"), .referenceIndex)
    }

    func testUnknownValuesAreErrors() {
        XCTAssertThrowsError(try decode(#"{"rule": "every-frame"}"#))
        XCTAssertThrowsError(try decode(#"{"scaler": "lanczos"}"#))
        XCTAssertThrowsError(try decode(#"{"resize": "crop"}"#))
        XCTAssertThrowsError(try decode(#"{"fps": "one"}"#))
    }

    func testProblems() {
        var config = FrameConfig()
        config.maxFrames = 0
        XCTAssertNotNil(config.problem)
        config = FrameConfig()
        config.width = 0
        XCTAssertNotNil(config.problem)
        config = FrameConfig()
        config.fps = .infinity
        XCTAssertNotNil(config.problem)
    }
}
