import Foundation
import XCTest

@testable import Media

/// The audio configuration: defaults, derived shapes (CASES F1) and its JSON form.
final class AudioConfigTests: XCTestCase {
    func testDefaultsAreTheCremaDRecipe() {
        let config = AudioConfig()
        XCTAssertEqual(config.sampleRate, 22_050)
        XCTAssertEqual(config.clipSeconds, 3)
        XCTAssertEqual(config.fit, .repeat)
        XCTAssertEqual(config.nFFT, 512)
        XCTAssertEqual(config.hopLength, 353)
        XCTAssertNil(config.winLength)
        XCTAssertEqual(config.window, "hann")
        XCTAssertTrue(config.center)
        XCTAssertEqual(config.padMode, "constant")
        XCTAssertEqual(config.logOffset, 1e-7)
        XCTAssertTrue(config.clamp)
        // 22 050 * 3; 512 / 2 + 1; 1 + 66 150 / 353
        XCTAssertEqual(config.clipSamples, 66_150)
        XCTAssertEqual(config.binCount, 257)
        XCTAssertEqual(config.frameCount, 188)
    }

    func testKineticsSoundsShape() {
        var config = AudioConfig()
        config.sampleRate = 35_400
        config.clipSeconds = 10
        // 354 000 samples → 1 + 354000 / 353 = 1003 frames
        XCTAssertEqual(config.clipSamples, 354_000)
        XCTAssertEqual(config.frameCount, 1003)
        config.center = false
        // 1 + (354000 - 512) / 353 = 1002
        XCTAssertEqual(config.frameCount, 1002)
    }

    func testInvalidClipLengthGivesZeroSamples() {
        var config = AudioConfig()
        config.clipSeconds = .infinity
        XCTAssertEqual(config.clipSamples, 0)
        config.clipSeconds = -1
        XCTAssertEqual(config.clipSamples, 0)
        XCTAssertThrowsError(try SpectrogramExtractor(config: config))
    }

    func testDecodingSnakeCaseAndMissingKeys() throws {
        let json = #"{"sample_rate": 16000, "fit": "crop-centre", "win_length": 400,"#
            + #" "pad_mode": "reflect", "hop_length": 160}"#
        let config = try JSONDecoder().decode(AudioConfig.self, from: Data(json.utf8))
        var expected = AudioConfig()
        expected.sampleRate = 16_000
        expected.fit = .cropCentre
        expected.winLength = 400
        expected.padMode = "reflect"
        expected.hopLength = 160
        XCTAssertEqual(config, expected)

        let empty = try JSONDecoder().decode(AudioConfig.self, from: Data("{}".utf8))
        XCTAssertEqual(empty, AudioConfig())
    }

    func testEncodingRoundTripsWithSnakeCaseKeys() throws {
        var config = AudioConfig()
        config.fit = .tile3
        config.winLength = 256
        let data = try JSONEncoder().encode(config)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        XCTAssertEqual(Set(object?.keys.map { $0 } ?? []),
                       ["sample_rate", "clip_seconds", "fit", "n_fft", "hop_length", "win_length",
                        "window", "center", "pad_mode", "log_offset", "clamp", "output", "mel",
                        "db"])
        XCTAssertEqual(object?["fit"] as? String, "tile3")
        XCTAssertEqual(try JSONDecoder().decode(AudioConfig.self, from: data), config)
    }

    func testUnknownEnumValuesAreRejectedClearly() {
        let cases = [
            (#"{"fit": "loop"}"#, "unknown fit rule \"loop\""),
            (#"{"window": "blackman"}"#, "unknown window \"blackman\""),
            (#"{"pad_mode": "edge"}"#, "unknown pad_mode \"edge\""),
        ]
        for (json, message) in cases {
            XCTAssertThrowsError(try JSONDecoder().decode(AudioConfig.self,
                                                          from: Data(json.utf8))) { error in
                guard case DecodingError.dataCorrupted(let context) = error else {
                    return XCTFail("expected dataCorrupted, got \(error)")
                }
                XCTAssertTrue(context.debugDescription.contains(message),
                              context.debugDescription)
            }
        }
    }

    func testExtractorRejectsUnusableConfigs() {
        var bad: [AudioConfig] = []
        var config = AudioConfig()
        config.hopLength = 0
        bad.append(config)
        config = AudioConfig()
        config.winLength = 1024
        bad.append(config)
        config = AudioConfig()
        config.window = "kaiser"
        bad.append(config)
        config = AudioConfig()
        config.nFFT = 0
        bad.append(config)
        for config in bad {
            AudioTestSupport.assertMediaError("bad-config") {
                _ = try SpectrogramExtractor(config: config)
            }
        }
    }
}
