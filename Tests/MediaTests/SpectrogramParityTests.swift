import Foundation
import XCTest

@testable import Media

/// The whole recipe on real speech (Asterisk prompts at 8 kHz and 16 kHz, ALSA clips at
/// 48 kHz) against librosa 0.11: `librosa.load(sr=22050)`, fit, clamp,
/// `np.abs(librosa.stft(y, n_fft=512, hop_length=353))` and `np.log(S + 1e-7)`.
final class SpectrogramParityTests: XCTestCase {
    func testRealSpeechMatchesLibrosa() throws {
        let folder = try AudioTestSupport.fixtureFolder
        let meta = try AudioParityFixtures.load(folder)
        XCTAssertEqual(meta.librosa, "0.11.0")
        XCTAssertEqual(meta.cases.count, 8)

        // one extractor per rule across all clips, so its resampler is reused between clips
        var extractors: [FitRule: SpectrogramExtractor] = [:]
        for item in meta.cases {
            let rule = try XCTUnwrap(FitRule(rawValue: item.fit))
            var config = AudioConfig()
            config.fit = rule
            let extractor = try extractors[rule] ?? SpectrogramExtractor(config: config)
            extractors[rule] = extractor
            let path = folder.appendingPathComponent(item.clip).path
            let wantMagnitude = try AudioTestSupport.readFloat32(
                folder.appendingPathComponent("\(item.name).mag.f32"))
            let wantLog = try AudioTestSupport.readFloat32(
                folder.appendingPathComponent("\(item.name).log.f32"))

            let decoded = try AudioFile.readMono(path: path)
            let resampled = try Resampler.resample(decoded.samples, from: decoded.sampleRate,
                                                   to: config.sampleRate)
            let fitted = AudioFit.fit(resampled, length: config.clipSamples, rule: rule)
                .map { min(max($0, -1), 1) }
            let magnitude = extractor.magnitude(ofFitted: fitted)
            let logMagnitude = try extractor.spectrogram(ofFile: path)

            XCTAssertEqual(fitted.count, item.fittedLength, item.name)
            XCTAssertEqual(magnitude.bins, item.bins, item.name)
            XCTAssertEqual(magnitude.frames, item.frames, item.name)
            XCTAssertEqual(logMagnitude.frames, item.frames, item.name)
            guard magnitude.values.count == wantMagnitude.count,
                  logMagnitude.values.count == wantLog.count else {
                XCTFail("\(item.name): shape differs from the fixture")
                continue
            }

            let peak = wantMagnitude.max() ?? 0
            var magError: Float = 0
            var logError: Float = 0
            var compared = 0
            for i in wantMagnitude.indices {
                magError = max(magError, abs(magnitude.values[i] - wantMagnitude[i]))
                if wantMagnitude[i] >= 1e-3 * peak {
                    logError = max(logError, abs(logMagnitude.values[i] - wantLog[i]))
                    compared += 1
                }
            }
            print("\(item.name) [\(item.fit), \(item.sourceRate) Hz]: max |ΔS| \(magError) "
                + "= \(magError / peak) × max|S|; max |Δlog S| \(logError) over "
                + "\(compared) of \(wantLog.count) cells with |S| ≥ 1e-3·max|S|")
            XCTAssertLessThanOrEqual(magError, 1e-4 * peak, item.name)
            XCTAssertLessThanOrEqual(logError, 1e-3, item.name)
        }
    }

    func testReusedExtractorMatchesFreshOnes() throws {
        let folder = try AudioTestSupport.fixtureFolder
        let clips = ["ast16k-queue-callswaiting.wav", "ast16k-vm-tocallback.wav",
                     "ast8k-digit5.wav", "ast16k-queue-callswaiting.wav"]
        let reused = try SpectrogramExtractor(config: AudioConfig())
        for clip in clips {
            let path = folder.appendingPathComponent(clip).path
            let fresh = try SpectrogramExtractor(config: AudioConfig()).spectrogram(ofFile: path)
            XCTAssertEqual(try reused.spectrogram(ofFile: path), fresh, clip)
        }
    }
}
