import Foundation
import XCTest

@testable import Media

/// A long file is decoded only as far as the clip needs, and the result equals decoding,
/// resampling and fitting the whole file (CASES D2 "a 10-minute file").
final class AudioLongFileTests: XCTestCase {
    /// The reference: decode everything, resample the whole signal as python-soxr does (one
    /// `process` call), fit, clamp, transform.
    private func fullRead(_ path: String, extractor: SpectrogramExtractor) throws -> Spectrogram {
        let decoded = try AudioFile.read(path: path)
        let resampled = try Resampler.resample(decoded.samples, from: decoded.sampleRate,
                                               to: extractor.config.sampleRate)
        let fitted = AudioFit.fit(resampled, length: extractor.config.clipSamples,
                                  rule: extractor.config.fit).map { min(max($0, -1), 1) }
        return extractor.spectrogram(ofFitted: fitted)
    }

    /// `seconds` of a real 16 kHz prompt looped with a slowly changing gain.
    private func longSpeech(seconds: Int, rate: Int) throws -> [Float] {
        let clip = try AudioFile.read(path: AudioTestSupport.fixtureFolder
            .appendingPathComponent("ast16k-queue-callswaiting.wav").path).samples
        let source = try Resampler.resample(clip, from: 16_000, to: rate)
        let n = seconds * rate
        return (0..<n).map { i in
            source[i % source.count] * (0.5 + 0.4 * Float(i % 7_919) / 7_919)
        }
    }

    func testTenMinuteFileIsReadOnlyAsFarAsTheClipNeeds() throws {
        let dir = try AudioTestSupport.temporaryFolder(self)
        let path = dir.appendingPathComponent("ten-minutes.wav").path
        try AudioFile.writeWAV16(path: path, samples: longSpeech(seconds: 600, rate: 16_000),
                                 sampleRate: 16_000)
        let frames = 600 * 16_000

        for rule in [FitRule.repeat, .cropCentre] {
            var config = AudioConfig()
            config.fit = rule
            let extractor = try SpectrogramExtractor(config: config)

            let started = Date()
            let features = try extractor.features(ofFile: path)
            let seconds = Date().timeIntervalSince(started)
            let reference = try fullRead(path, extractor: extractor)

            // the clip's span at the source rate: 66 150 * 16 000 / 22 050 = 48 000 frames,
            // from the start, or around the centre for crop-centre
            let span = 48_000
            let end = rule == .cropCentre ? frames / 2 + span / 2 : span
            print("10-minute 16 kHz WAV, \(rule.rawValue): read \(features.framesRead) of "
                + "\(frames) frames (clip ends at frame \(end)) in "
                + String(format: "%.3f s", seconds))
            XCTAssertFalse(features.readToEnd)
            XCTAssertGreaterThanOrEqual(features.framesRead, end)
            // at most 0.25 s (4 000 frames) past the clip: libsoxr's look-ahead plus one read
            XCTAssertLessThanOrEqual(features.framesRead, end + 4_000)
            XCTAssertEqual(features.spectrogram, reference, "\(rule)")
        }
    }

    func testStoppingEarlyEqualsTheWholeSignalForEveryRuleAndRate() throws {
        for from in [8_000, 11_025, 16_000, 44_100, 48_000] {
            let signal = try longSpeech(seconds: 14, rate: from)
            for (to, clipSeconds) in [(22_050, 3.0), (35_400, 10.0)] {
                let whole = try Resampler.resample(signal, from: from, to: to)
                for rule in FitRule.allCases {
                    var config = AudioConfig()
                    config.sampleRate = to
                    config.clipSeconds = clipSeconds
                    config.fit = rule
                    let extractor = try SpectrogramExtractor(config: config)
                    let fitted = AudioFit.fit(whole, length: config.clipSamples, rule: rule)
                        .map { min(max($0, -1), 1) }

                    let streamed = try extractor.spectrogram(ofSamples: signal, sampleRate: from)

                    XCTAssertEqual(streamed, extractor.spectrogram(ofFitted: fitted),
                                   "\(from) → \(to) Hz, \(rule)")
                }
            }
        }
    }

    func testTwoMinute48kFileForTheKineticsSoundsRecipe() throws {
        let dir = try AudioTestSupport.temporaryFolder(self)
        let path = dir.appendingPathComponent("two-minutes.wav").path
        try AudioFile.writeWAV16(path: path, samples: longSpeech(seconds: 120, rate: 48_000),
                                 sampleRate: 48_000)
        var config = AudioConfig()
        config.sampleRate = 35_400
        config.clipSeconds = 10
        let extractor = try SpectrogramExtractor(config: config)

        let features = try extractor.features(ofFile: path)

        // 354 000 * 48 000 / 35 400 = 480 000 frames
        print("2-minute 48 kHz WAV, KS recipe: read \(features.framesRead) of 5760000 frames")
        XCTAssertEqual(features.spectrogram.bins, 257)
        XCTAssertEqual(features.spectrogram.frames, 1003)
        XCTAssertLessThanOrEqual(features.framesRead, 480_000 + 12_000)
        XCTAssertEqual(features.spectrogram, try fullRead(path, extractor: extractor))
    }
}
