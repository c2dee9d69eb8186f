import Foundation
import XCTest

@testable import Media

/// STFT hand values (CASES F1, F2): windows, centre padding, shapes, bin magnitudes, log.
final class SpectrogramTests: XCTestCase {
    private func extractor(_ edit: (inout AudioConfig) -> Void = { _ in }) throws
        -> SpectrogramExtractor {
        var config = AudioConfig()
        edit(&config)
        return try SpectrogramExtractor(config: config)
    }

    // MARK: - Windows

    func testPeriodicHannOfSix() {
        let w = WindowFunction.hann.values(length: 6)
        let expected: [Float] = [0, 0.25, 0.75, 1, 0.75, 0.25]
        for (got, want) in zip(w, expected) { XCTAssertEqual(got, want, accuracy: 1e-7) }
    }

    func testPeriodicHammingAndRectangular() {
        // 0.54 - 0.46 cos(2 pi n / 4)
        let w = WindowFunction.hamming.values(length: 4)
        for (got, want) in zip(w, [Float(0.08), 0.54, 1, 0.54]) {
            XCTAssertEqual(got, want, accuracy: 1e-7)
        }
        XCTAssertEqual(WindowFunction.rectangular.values(length: 3), [1, 1, 1])
    }

    func testShortWindowIsCentredInNFFT() {
        // pad_center: (8 - 4) / 2 = 2 zeros on the left
        let w = WindowFunction.hann.padded(winLength: 4, nFFT: 8)
        XCTAssertEqual(w, [0, 0, 0, 0.5, 1, 0.5, 0, 0])
    }

    // MARK: - Centre padding (F2)

    func testDCOfOnesWithZeroAndReflectPadding() throws {
        let ones = [Float](repeating: 1, count: 2048)
        // the first frame sees the second half of the window (zeros) or all of it (reflect):
        // n_fft 512: 1 + 255 / 2 = 128.5 and 256; n_fft 2048: 1 + 1023 / 2 = 512.5 and 1024
        let cases: [(Int, String, Float)] = [
            (512, "constant", 128.5), (512, "reflect", 256),
            (2048, "constant", 512.5), (2048, "reflect", 1024),
        ]
        for (nFFT, mode, want) in cases {
            let stft = try extractor { $0.nFFT = nFFT; $0.padMode = mode }
            let s = stft.magnitude(ofFitted: ones)
            XCTAssertEqual(s[0, 0], want, accuracy: want * 1e-6, "n_fft \(nFFT) \(mode)")
        }
    }

    func testReflectIndexFollowsNumpy() {
        // np.pad([1, 2, 3], 5, mode="reflect") = [2 1 2 3 2 1 2 3 2 1 2 3 2]
        let x = [1, 2, 3]
        let padded = (-5..<8).map { x[SpectrogramExtractor.reflectIndex($0, count: 3)] }
        XCTAssertEqual(padded, [2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2])
        XCTAssertEqual(SpectrogramExtractor.reflectIndex(-4, count: 1), 0)
    }

    // MARK: - Shapes (F1)

    func testCremaDShape() throws {
        let stft = try extractor()
        let samples = (0..<66_150).map { Float(sin(Double($0) * 0.01)) * 0.5 }
        let s = try stft.spectrogram(ofSamples: samples, sampleRate: 22_050)
        XCTAssertEqual(s.bins, 257)
        XCTAssertEqual(s.frames, 188)
        XCTAssertEqual(s.values.count, 257 * 188)
    }

    func testKineticsSoundsShape() throws {
        let stft = try extractor { $0.sampleRate = 35_400; $0.clipSeconds = 10 }
        let s = try stft.spectrogram(ofSamples: [Float](repeating: 0.1, count: 354_000),
                                     sampleRate: 35_400)
        XCTAssertEqual(s.bins, 257)
        XCTAssertEqual(s.frames, 1003)
    }

    func testUncentredFramesAndTooShortInput() throws {
        let stft = try extractor { $0.center = false; $0.clipSeconds = 0.01 }
        // 221 samples < n_fft 512: no uncentred frame
        XCTAssertEqual(stft.magnitude(ofFitted: [Float](repeating: 0, count: 221)).frames, 0)
        AudioTestSupport.assertMediaError("too-short") {
            _ = try stft.spectrogram(ofSamples: [0.1, 0.2], sampleRate: 22_050)
        }
        // 1 + (1000 - 512) / 353 = 2
        XCTAssertEqual(stft.magnitude(ofFitted: [Float](repeating: 0, count: 1000)).frames, 2)
    }

    // MARK: - Values

    func testBinCentredSineGivesHannMainLobe() throws {
        let stft = try extractor()
        // sin(2 pi 32 n / 512): a periodic Hann gives |X| = N/4 = 128 at bin 32 and
        // N/8 = 64 at bins 31 and 33, nothing elsewhere
        let samples = (0..<66_150).map { Float(sin(2 * Double.pi * 32 * Double($0) / 512)) }
        let s = stft.magnitude(ofFitted: samples)
        let t = 10
        XCTAssertEqual(s[32, t], 128, accuracy: 1e-3)
        XCTAssertEqual(s[31, t], 64, accuracy: 1e-3)
        XCTAssertEqual(s[33, t], 64, accuracy: 1e-3)
        for k in 0..<257 where abs(k - 32) > 1 {
            XCTAssertEqual(s[k, t], 0, accuracy: 1e-3, "bin \(k)")
        }
    }

    func testLogOfSilenceIsLogOffset() throws {
        let stft = try extractor()
        let s = try stft.spectrogram(ofSamples: [Float](repeating: 0, count: 1000),
                                     sampleRate: 22_050)
        // log(0 + 1e-7)
        for v in s.values { XCTAssertEqual(v, Float(log(1e-7)), accuracy: 1e-5) }
    }

    func testClampLimitsSamplesToUnitRange() throws {
        let clamped = try extractor()
        let loud = [Float](repeating: 3, count: 22_050)
        let unit = [Float](repeating: 1, count: 22_050)
        XCTAssertEqual(try clamped.spectrogram(ofSamples: loud, sampleRate: 22_050),
                       try clamped.spectrogram(ofSamples: unit, sampleRate: 22_050))
        let raw = try extractor { $0.clamp = false }
        let a = try raw.spectrogram(ofSamples: loud, sampleRate: 22_050)
        let b = try raw.spectrogram(ofSamples: unit, sampleRate: 22_050)
        // DC of the first frame grows by log(3)
        XCTAssertEqual(a[0, 0] - b[0, 0], Float(log(3.0)), accuracy: 1e-5)
    }

    func testEmptyAndNonFiniteSamplesAreRejected() throws {
        let stft = try extractor()
        AudioTestSupport.assertMediaError("empty-media") {
            _ = try stft.spectrogram(ofSamples: [], sampleRate: 16_000)
        }
        AudioTestSupport.assertMediaError("non-finite") {
            _ = try stft.spectrogram(ofSamples: [0, .infinity], sampleRate: 16_000)
        }
        AudioTestSupport.assertMediaError("bad-sample-rate") {
            _ = try stft.spectrogram(ofSamples: [0, 1], sampleRate: 0)
        }
    }

    func testEmptyFileIsRejectedBeforeFitting() throws {
        let dir = try AudioTestSupport.temporaryFolder(self)
        let path = try AudioTestSupport.write(
            AudioTestSupport.wav(formatTag: 1, channels: 1, sampleRate: 16000,
                                 bitsPerSample: 16, data: []),
            named: "nodata.wav", in: dir)
        let stft = try extractor()
        AudioTestSupport.assertMediaError("empty-media", path: path) {
            _ = try stft.spectrogram(ofFile: path)
        }
    }

    func testTenMinuteFileStillWorks() throws {
        let dir = try AudioTestSupport.temporaryFolder(self)
        let path = dir.appendingPathComponent("long.wav").path
        let n = 16_000 * 600
        let samples = (0..<n).map { Float(sin(Double($0) * 0.05)) * 0.25 }
        try AudioFile.writeWAV16(path: path, samples: samples, sampleRate: 16_000)

        let start = Date()
        let s = try extractor().spectrogram(ofFile: path)
        let seconds = Date().timeIntervalSince(start)

        print("10-minute 16 kHz file → \(s.bins)×\(s.frames) in "
            + String(format: "%.2f s", seconds))
        XCTAssertEqual(s.bins, 257)
        XCTAssertEqual(s.frames, 188)
    }

    func testExtractorsOnSeveralThreadsAgree() throws {
        let samples = (0..<48_000).map { Float(sin(Double($0) * 0.003)) * 0.7 }
        let reference = try extractor().spectrogram(ofSamples: samples, sampleRate: 16_000)
        let results = ThreadResults(count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let result = Result {
                try SpectrogramExtractor(config: AudioConfig())
                    .spectrogram(ofSamples: samples, sampleRate: 16_000)
            }
            results.set(i, result)
        }
        for i in 0..<4 { XCTAssertEqual(try results.get(i).get(), reference) }
    }
}

/// Results written from several threads under a lock.
private final class ThreadResults: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<Spectrogram, Error>?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<Spectrogram, Error>) {
        lock.lock()
        values[i] = value
        lock.unlock()
    }

    func get(_ i: Int) -> Result<Spectrogram, Error> {
        lock.lock()
        defer { lock.unlock() }
        return values[i] ?? .failure(MediaError(path: "", code: "missing", reason: "no result"))
    }
}
