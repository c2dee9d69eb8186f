import Foundation
import XCTest

@testable import Media

/// The output-kind, mel and dB keys of the audio configuration, their validation, and the
/// committed pipeline files' audio sections (CASES F1 shapes).
final class AudioOutputConfigTests: XCTestCase {
    func testOutputMelAndDecibelKeysRoundTrip() throws {
        let json = #"{"output": "db", "db": {"ref": "max", "top_db": null},"#
            + #" "mel": {"n_mels": 64, "fmin": 50, "fmax": 8000, "htk": true}}"#
        let config = try JSONDecoder().decode(AudioConfig.self, from: Data(json.utf8))
        XCTAssertEqual(config.output, .db)
        XCTAssertEqual(config.decibels, AudioDecibels(reference: .max, amin: 1e-10, topDB: nil))
        XCTAssertEqual(config.mel, MelConfig(nMels: 64, fmin: 50, fmax: 8000, htk: true))
        XCTAssertEqual(config.binCount, 64)
        XCTAssertEqual(try JSONDecoder().decode(AudioConfig.self,
                                                from: JSONEncoder().encode(config)), config)

        // every key is encoded (mel as null), so a pipeline file may override any of them
        let plain = try JSONSerialization.jsonObject(with: JSONEncoder().encode(AudioConfig()))
        let object = try XCTUnwrap(plain as? [String: Any])
        XCTAssertEqual(Set(object.keys),
                       ["sample_rate", "clip_seconds", "fit", "n_fft", "hop_length", "window",
                        "center", "pad_mode", "log_offset", "clamp", "output", "mel", "db"])
        XCTAssertTrue(object["mel"] is NSNull)
        XCTAssertEqual(object["output"] as? String, "log")
        let empty = try JSONDecoder().decode(AudioConfig.self, from: Data("{}".utf8))
        XCTAssertEqual(empty, AudioConfig())
    }

    func testDecibelReferenceAcceptsMaxOrANumberOnly() throws {
        let number = try JSONDecoder().decode(AudioDecibels.self,
                                              from: Data(#"{"ref": 2.5, "amin": 1e-5}"#.utf8))
        XCTAssertEqual(number, AudioDecibels(reference: .value(2.5), amin: 1e-5, topDB: 80))
        XCTAssertThrowsError(try JSONDecoder().decode(AudioDecibels.self,
                                                      from: Data(#"{"ref": "min"}"#.utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode(AudioConfig.self,
                                                      from: Data(#"{"output": "mfcc"}"#.utf8)))
    }

    func testUnusableMelAndDecibelSettingsAreRejected() {
        var bad: [AudioConfig] = []
        for mel in [MelConfig(nMels: 0), MelConfig(fmin: 9000, fmax: 8000),
                    MelConfig(norm: "l2"), MelConfig(fmin: -1)] {
            var config = AudioConfig()
            config.mel = mel
            bad.append(config)
        }
        for db in [AudioDecibels(reference: .value(0)), AudioDecibels(amin: 0),
                   AudioDecibels(topDB: -3)] {
            var config = AudioConfig()
            config.output = .db
            config.decibels = db
            bad.append(config)
        }
        for config in bad {
            AudioTestSupport.assertMediaError("bad-config") {
                _ = try SpectrogramExtractor(config: config)
            }
        }
    }

    func testDecibelsByHand() {
        // power 100 with ref 1: 20 dB; 1e-12 is floored at amin 1e-10: -100 dB, then top_db 80
        // lifts it to 20 - 80 = -60 dB
        var values: [Float] = [100, 1, 1e-12]
        values.withUnsafeMutableBufferPointer { AudioDecibels().apply(to: $0) }
        XCTAssertEqual(values[0], 20, accuracy: 1e-5)
        XCTAssertEqual(values[1], 0, accuracy: 1e-6)
        XCTAssertEqual(values[2], -60, accuracy: 1e-5)
        // ref = max puts the peak at 0 dB
        var relative: [Float] = [100, 10]
        relative.withUnsafeMutableBufferPointer {
            AudioDecibels(reference: .max, topDB: nil).apply(to: $0)
        }
        XCTAssertEqual(relative[0], 0, accuracy: 1e-6)
        XCTAssertEqual(relative[1], -10, accuracy: 1e-5)
    }

    func testPowerIsTheSquareOfTheMagnitude() throws {
        var config = AudioConfig()
        config.output = .magnitude
        let samples = (0..<22_050).map { Float(sin(Double($0) * 0.05)) * 0.5 }
        let magnitude = try SpectrogramExtractor(config: config)
            .spectrogram(ofSamples: samples, sampleRate: 22_050)
        config.output = .power
        let power = try SpectrogramExtractor(config: config)
            .spectrogram(ofSamples: samples, sampleRate: 22_050)
        for (m, p) in zip(magnitude.values, power.values) {
            XCTAssertEqual(p, m * m, accuracy: max(1e-6, 4e-7 * p))
        }
    }

    func testPipelineFilesGiveTheDocumentedShapes() throws {
        // Tests/MediaTests/<this file> → repository root
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let expected: [(String, Int, Int, Int)] = [
            ("crema", 22_050, 66_150, 188),   // 1 + 66 150 / 353
            ("ks", 35_400, 354_000, 1003),    // 1 + 354 000 / 353
        ]
        for (name, rate, samples, frames) in expected {
            let url = root.appendingPathComponent("pipelines/\(name).json")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw XCTSkip("no repository checkout next to the tests")
            }
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            let audio = try XCTUnwrap((object as? [String: Any])?["audio"])
            let config = try JSONDecoder().decode(
                AudioConfig.self, from: JSONSerialization.data(withJSONObject: audio))
            XCTAssertEqual(config.sampleRate, rate, name)
            XCTAssertEqual(config.clipSamples, samples, name)
            XCTAssertEqual(config.binCount, 257, name)
            XCTAssertEqual(config.frameCount, frames, name)
            XCTAssertEqual(config.fit, .repeat, name)
        }
    }
}
