import Foundation
import XCTest

@testable import Media

/// Every input format libsndfile reads (U8, S16, S24, S32, float, double, WAVE_FORMAT_EXTENSIBLE
/// with 2 and 6 channels, RF64, FLAC, Ogg Vorbis and Opus), the audio track of MP4, FLV, AVI and
/// MKV files (and G.722 in a WAV header, which only libavformat reads), and synthetic edge
/// cases, against `librosa.load(sr=22050)` (PyAV's decode followed by librosa's steps for
/// containers), fitted to 0.3 s and transformed with `librosa.stft`.
///
/// Tolerances: resampled waveform max |Δ| ≤ 1e-5; magnitude max |Δ| ≤ 1e-4 × max|S|;
/// log-magnitude |Δ| ≤ 1e-3 wherever |S| ≥ 1e-3 × max|S|.
final class AudioFormatParityTests: XCTestCase {
    private var fixtures: AudioFormatFixtures!

    override func setUpWithError() throws {
        fixtures = try AudioFormatFixtures.load()
        XCTAssertEqual(fixtures.librosa, "0.11.0")
    }

    func testEveryLibsndfileFormatMatchesLibrosa() throws {
        let cases = fixtures.decode.filter { $0.reference == "librosa.load" }
        XCTAssertEqual(cases.count, 14)
        let formats = try Set(cases.map { try probeFormat($0) })
        XCTAssertEqual(formats, ["WAV PCM_U8", "WAV PCM_16", "WAV PCM_24", "WAV PCM_32",
                                 "WAV FLOAT", "WAV DOUBLE", "WAVEX PCM_24", "WAVEX FLOAT",
                                 "RF64 PCM_16", "FLAC PCM_16", "FLAC PCM_24", "OGG VORBIS",
                                 "OGG OPUS"])
        for item in cases { try check(item) }
    }

    func testContainerAudioTracksMatchPyAVAndLibrosa() throws {
        let cases = fixtures.decode.filter { $0.reference == "pyav" }
        XCTAssertEqual(Set(cases.map { URL(fileURLWithPath: $0.file).pathExtension }),
                       ["mp4", "flv", "avi", "mkv", "wav"])
        let formats = try cases.map { try probeFormat($0) }
        XCTAssertEqual(formats, ["mov aac", "flv mp3float", "avi pcm_s16le", "avi pcm_u8",
                                 "matroska vorbis", "matroska flac", "matroska opus",
                                 "matroska pcm_f64le", "wav g722"])
        for item in cases { try check(item) }
    }

    func testEdgeCasesMatchLibrosa() throws {
        XCTAssertEqual(fixtures.edge.map(\.name),
                       ["edge-silence", "edge-square", "edge-100-samples"])
        for item in fixtures.edge {
            try check(item, logReference: try AudioFormatFixtures.values("\(item.name).log"))
        }
        // digital silence: every cell is log(0 + 1e-7)
        let silence = try AudioFormatFixtures.values("edge-silence.log")
        XCTAssertEqual(silence.min(), silence.max())
        XCTAssertEqual(silence[0], Float(log(1e-7)), accuracy: 1e-6)
    }

    // MARK: - Helpers

    private func probeFormat(_ item: AudioFormatFixtures.DecodeCase) throws -> String {
        let info = try AudioFile.probe(path: path(item))
        XCTAssertEqual(info.sampleRate, item.sourceRate, item.name)
        XCTAssertEqual(info.channels, item.channels, item.name)
        return info.format
    }

    private func path(_ item: AudioFormatFixtures.DecodeCase) throws -> String {
        try AudioFormatFixtures.folder.appendingPathComponent(item.file).path
    }

    /// Decode, resample, spectrogram and log-spectrogram of one case against its references;
    /// the log reference is librosa's when given, else `ln(|S| + 1e-7)` of librosa's |S|.
    private func check(_ item: AudioFormatFixtures.DecodeCase, logReference: [Float]? = nil)
        throws {
        let file = try path(item)
        let wantResampled = try AudioFormatFixtures.values("\(item.name).resampled")
        let wantMagnitude = try AudioFormatFixtures.values("\(item.name).mag")

        let decoded = try AudioFile.read(path: file)
        XCTAssertEqual(decoded.sampleRate, item.sourceRate, item.name)
        XCTAssertEqual(decoded.channels, item.channels, item.name)
        XCTAssertEqual(decoded.samples.count, item.sourceFrames, item.name)
        // G.722 in a WAV header: libsndfile refuses it, libavformat decodes it
        let expected = item.name == "wav-g722" ? ["decoder-fallback"] : []
        XCTAssertEqual(decoded.warnings.map(\.code), expected, item.name)
        let resampled = try Resampler.resample(decoded.samples, from: decoded.sampleRate,
                                               to: 22_050)
        XCTAssertEqual(resampled.count, item.resampledLength, item.name)

        var magnitudeConfig = try fixtures.config()
        magnitudeConfig.output = .magnitude
        let magnitude = try SpectrogramExtractor(config: magnitudeConfig)
            .spectrogram(ofFile: file)
        let logMagnitude = try SpectrogramExtractor(config: fixtures.config())
            .spectrogram(ofFile: file)
        XCTAssertEqual(magnitude.bins, item.bins, item.name)
        XCTAssertEqual(magnitude.frames, item.frames, item.name)
        guard resampled.count == wantResampled.count,
              magnitude.values.count == wantMagnitude.count,
              logMagnitude.values.count == wantMagnitude.count else {
            return XCTFail("\(item.name): shape differs from the fixture")
        }

        let waveError = AudioTestSupport.maxAbsDifference(resampled, wantResampled)
        let peak = Float(item.maxMagnitude)
        let magError = AudioTestSupport.maxAbsDifference(magnitude.values, wantMagnitude)
        let wantLog = logReference ?? wantMagnitude.map { Float(log(Double($0) + 1e-7)) }
        var logError: Float = 0
        for i in wantMagnitude.indices where wantMagnitude[i] >= 1e-3 * peak {
            logError = max(logError, abs(logMagnitude.values[i] - wantLog[i]))
        }
        print("\(item.name) [\(decoded.format), \(item.sourceRate) Hz, \(item.channels) ch]: "
            + "resampled max |Δ| \(waveError); max |ΔS| \(magError) = "
            + "\(peak > 0 ? magError / peak : 0) × max|S|; max |Δlog S| \(logError)")
        XCTAssertLessThanOrEqual(waveError, 1e-5, item.name)
        XCTAssertLessThanOrEqual(magError, 1e-4 * max(peak, 0), item.name)
        XCTAssertLessThanOrEqual(logError, 1e-3, item.name)
        if peak == 0 {
            XCTAssertEqual(logMagnitude.values, wantLog, item.name)
        }
    }
}
