import Foundation
import XCTest

@testable import Media

/// libsoxr HQ resampling (CASES E1): output length rule, a property check on a sine, and the
/// resampled signal of real recordings against `librosa.load(path, sr=22050)`.
final class AudioResamplerTests: XCTestCase {
    func testOutputLengthIsLibrosaCeiling() throws {
        // ceil(35 999 * 22 050 / 16 000) = ceil(49 611.62) = 49 612
        let out = try Resampler.resample([Float](repeating: 0.1, count: 35_999),
                                         from: 16_000, to: 22_050)
        XCTAssertEqual(out.count, 49_612)
        // 8 kHz → 22 050 Hz: ceil(6561 * 2.75625) = ceil(18083.76) = 18084
        XCTAssertEqual(Resampler.outputLength(inputLength: 6561, from: 8000, to: 22_050), 18_084)
        // librosa takes the ratio in Float64: 1 421 760 * 35 400 / 48 000 is exactly
        // 1 048 548, but 1421760 * (35400 / 48000) rounds up to 1 048 549 (numpy agrees)
        XCTAssertEqual(Resampler.outputLength(inputLength: 1_421_760, from: 48_000, to: 35_400),
                       1_048_549)
    }

    func testSameRateReturnsInputUnchanged() throws {
        let x: [Float] = [0.1, -0.2, 0.3]
        XCTAssertEqual(try Resampler.resample(x, from: 22_050, to: 22_050), x)
        XCTAssertEqual(try Resampler.resample([], from: 16_000, to: 22_050), [])
        AudioTestSupport.assertMediaError("bad-sample-rate") {
            _ = try Resampler.resample(x, from: -1, to: 22_050)
        }
    }

    func testSineKeepsAmplitudeAndPhase() throws {
        // a 440 Hz sine sampled at 16 kHz, resampled to 22 050 Hz, must equal the same sine
        // sampled at 22 050 Hz away from the edges (soxr HQ is linear phase, delay removed)
        let f = 440.0
        let x = (0..<16_000).map { Float(0.5 * sin(2 * Double.pi * f * Double($0) / 16_000)) }
        let y = try Resampler.resample(x, from: 16_000, to: 22_050)
        var worst: Float = 0
        for i in 1000..<(y.count - 1000) {
            let want = Float(0.5 * sin(2 * Double.pi * f * Double(i) / 22_050))
            worst = max(worst, abs(y[i] - want))
        }
        print("sine 16 kHz → 22 050 Hz: max |error| \(worst)")
        XCTAssertLessThan(worst, 1e-3)
    }

    func testStreamingInPiecesEqualsOneCall() throws {
        // libsoxr's output does not depend on how its input is split: any piece sizes give the
        // samples of python-soxr's single call, bit for bit
        let folder = try AudioTestSupport.fixtureFolder
        let clip = try AudioFile.read(path: folder.appendingPathComponent("alsa48k-front-left.wav")
            .path).samples
        for to in [22_050, 35_400, 16_000] {
            let whole = try ResamplerSession(from: 48_000, to: to).process(clip, path: "")
            let session = try ResamplerSession(from: 48_000, to: to)
            for pieces in [[1, 7, 1000], [4096], [65_536], [13, 130_000]] {
                try session.begin(path: "")
                let out = AudioSampleBuffer()
                var start = 0
                var k = 0
                try clip.withUnsafeBufferPointer { buffer in
                    while start < clip.count {
                        let count = min(pieces[k % pieces.count], clip.count - start)
                        try session.push(UnsafeBufferPointer(rebasing: buffer[start..<(start
                                                                                 + count)]),
                                         into: out, path: "")
                        start += count
                        k += 1
                    }
                }
                try session.finish(into: out, path: "")
                XCTAssertEqual(Array(out.samples), whole, "48 kHz → \(to) Hz in \(pieces)")
            }
        }
    }

    func testResampledRealSpeechMatchesLibrosa() throws {
        let folder = try AudioTestSupport.fixtureFolder
        let meta = try AudioParityFixtures.load(folder)
        for clip in meta.resampledClips {
            let stem = String(clip.dropLast(4))
            let expected = try AudioTestSupport.readFloat32(
                folder.appendingPathComponent("\(stem).resampled.f32"))
            let decoded = try AudioFile.readMono(path: folder.appendingPathComponent(clip).path)
            let ours = try Resampler.resample(decoded.samples, from: decoded.sampleRate,
                                              to: 22_050)

            let length = try XCTUnwrap(meta.cases.first { $0.clip == clip }).resampledLength
            XCTAssertEqual(ours.count, length, clip)
            var worst: Float = 0
            var peak: Float = 0
            for (a, b) in zip(ours, expected) {
                worst = max(worst, abs(a - b))
                peak = max(peak, abs(b))
            }
            print("resampled \(clip): max |Δ| \(worst) (peak \(peak))")
            // Tolerance: 1e-5 absolute on signals of peak ≈ 0.5, i.e. float32 rounding of two
            // builds of the same libsoxr engine (Debian's 0.1.3 vs python-soxr's bundled copy)
            XCTAssertLessThanOrEqual(worst, 1e-5, clip)
        }
        for item in meta.cases {
            let decoded = try AudioFile.readMono(
                path: folder.appendingPathComponent(item.clip).path)
            XCTAssertEqual(decoded.samples.count, item.sourceFrames, item.clip)
            XCTAssertEqual(Resampler.outputLength(inputLength: decoded.samples.count,
                                                  from: decoded.sampleRate, to: 22_050),
                           item.resampledLength, item.clip)
        }
    }
}
