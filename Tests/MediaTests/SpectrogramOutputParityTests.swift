import Foundation
import XCTest

@testable import Media

/// Output kinds (magnitude, power, log with an offset, log-power, dB), mel spectrograms (Slaney
/// and HTK scales, with and without normalisation) and STFT options (win_length, Hamming,
/// rectangular, reflect padding, uncentred frames, n_fft 400 and 1024) on a real 48 kHz speech
/// clip, against librosa 0.11 (`stft`, `amplitude_to_db`, `power_to_db`,
/// `feature.melspectrogram`).
///
/// Tolerances: linear outputs max |Δ| ≤ 1e-4 × their maximum; log outputs |Δ| ≤ 1e-3 wherever
/// the underlying |S| ≥ 1e-3 × max|S| (power ≥ 1e-6 × max); dB outputs |Δ| ≤ 20 log10(e) ×
/// 1e-3 ≈ 0.0087 dB (the same relative error as 1e-3 in ln|S|) wherever the value is within
/// 60 dB of the peak (|S| ≥ 1e-3 × max|S|).
final class SpectrogramOutputParityTests: XCTestCase {
    private static let clip = "alsa48k-front-left.wav"

    func testOutputKindsMelAndSTFTOptionsMatchLibrosa() throws {
        let fixtures = try AudioFormatFixtures.load()
        let path = try AudioTestSupport.fixtureFolder.appendingPathComponent(Self.clip).path
        let cases = fixtures.outputs.filter { $0.config != nil }
        XCTAssertEqual(cases.count, 12)

        for item in cases {
            let config = try fixtures.config(item.config ?? [:])
            let want = try AudioFormatFixtures.values(item.name)
            let got = try SpectrogramExtractor(config: config).spectrogram(ofFile: path)
            XCTAssertEqual(got.bins, item.rows, item.name)
            XCTAssertEqual(got.frames, item.frames, item.name)
            guard got.values.count == want.count else {
                XCTFail("\(item.name): shape differs from the fixture")
                continue
            }
            let (error, limit, compared) = Self.compare(got.values, want, kind: config.output,
                                                        logOffset: config.logOffset)
            print("\(item.name) [\(config.output.rawValue)\(config.mel == nil ? "" : ", mel")]: "
                + "max |Δ| \(error) (limit \(limit)) over \(compared) of \(want.count) cells")
            XCTAssertLessThanOrEqual(error, limit, item.name)
            XCTAssertGreaterThan(compared, want.count / 10, item.name)
        }
    }

    func testMelFilterBanksMatchLibrosa() throws {
        let fixtures = try AudioFormatFixtures.load()
        let banks: [String: MelConfig] = [
            "mel-slaney-40": MelConfig(nMels: 40),
            "mel-htk-64": MelConfig(nMels: 64, fmin: 50, fmax: 8000, htk: true),
        ]
        for item in fixtures.outputs where item.filterBank != nil {
            let mel = try XCTUnwrap(banks[item.name], item.name)
            let want = try AudioFormatFixtures.values("\(item.name).weights")
            let got = MelFilterBank(config: mel, sampleRate: 22_050, nFFT: 512).dense
            XCTAssertEqual(got.count, item.rows * item.frames, item.name)
            let error = AudioTestSupport.maxAbsDifference(got, want)
            print("\(item.name) filter bank: max |Δ| \(error) (max weight \(item.maxAbs))")
            // the same Float64 arithmetic rounded to Float32 as librosa: at most 1 ulp apart
            XCTAssertLessThanOrEqual(error, Float(item.maxAbs) * 2.4e-7, item.name)
        }
    }

    /// The largest error over the compared cells, the limit for the kind, and how many cells
    /// were compared.
    static func compare(_ got: [Float], _ want: [Float], kind: AudioOutputKind,
                        logOffset: Double) -> (Float, Float, Int) {
        switch kind {
        case .magnitude, .power:
            let peak = want.map(abs).max() ?? 0
            return (AudioTestSupport.maxAbsDifference(got, want), 1e-4 * peak, want.count)
        case .log, .logPower:
            // back to the linear value: exp(v) - offset
            let linear = want.map { exp(Double($0)) - logOffset }
            let peak = linear.max() ?? 0
            let floor = kind == .log ? 1e-3 * peak : 1e-6 * peak
            var error: Float = 0
            var compared = 0
            for i in want.indices where linear[i] >= floor {
                error = max(error, abs(got[i] - want[i]))
                compared += 1
            }
            return (error, 1e-3, compared)
        case .db:
            let peak = want.max() ?? 0
            var error: Float = 0
            var compared = 0
            for i in want.indices where want[i] >= peak - 60 {
                error = max(error, abs(got[i] - want[i]))
                compared += 1
            }
            return (error, Float(20 * log10(M_E) * 1e-3), compared)
        }
    }
}
