import CSndFile
import Foundation
import XCTest

@testable import Media

/// Damaged and misleading audio (CASES D2, E1-adjacent): truncated data decoded with a
/// warning, data-chunk sizes that lie, NaN and infinite samples, containers without audio.
/// Every case is a `MediaError` or a warning naming the file, never a crash or a hang.
final class AudioBadInputTests: XCTestCase {
    private typealias S = AudioTestSupport

    /// 100 16-bit samples 1...100 at 16 kHz behind a data chunk that declares `declared`
    /// bytes, followed by `trailer`.
    private func wav16(declared: UInt32, trailer: [UInt8] = [], named name: String) throws
        -> String {
        let samples = S.int16Bytes((1...100).map { Int16($0) })
        var data = S.wav(formatTag: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16,
                         data: samples, declaredDataBytes: declared)
        data.append(contentsOf: trailer)
        return try S.write(data, named: name, in: S.temporaryFolder(self))
    }

    private let oneToHundred = (1...100).map { Float($0) / 32768 }

    // MARK: - WAV data-chunk sizes

    func testTruncatedDataChunkDecodesWhatIsThereAndWarns() throws {
        let path = try wav16(declared: 64_000, named: "truncated.wav")

        let decoded = try AudioFile.read(path: path)
        let features = try SpectrogramExtractor(config: AudioConfig()).features(ofFile: path)

        XCTAssertEqual(decoded.samples, oneToHundred)
        XCTAssertEqual(decoded.warnings.map(\.code), ["truncated"])
        XCTAssertEqual(decoded.warnings.first?.path, path)
        XCTAssertTrue(decoded.warnings[0].message.contains("64000"), decoded.warnings[0].message)
        XCTAssertEqual(features.warnings, decoded.warnings)
        XCTAssertEqual(features.spectrogram.frames, 188)
    }

    func testPlaceholderDataSizeReadsToTheEndAndWarns() throws {
        let path = try wav16(declared: 0xFFFF_FFFF, named: "streamed.wav")
        let decoded = try AudioFile.read(path: path)
        XCTAssertEqual(decoded.samples, oneToHundred)
        XCTAssertEqual(decoded.warnings.map(\.code), ["data-size"])
    }

    func testZeroDataSizeInFrontOfSamplesIsRejected() throws {
        let path = try wav16(declared: 0, named: "unfinalised.wav")
        S.assertMediaError("data-size", path: path) { _ = try AudioFile.read(path: path) }
        S.assertMediaError("data-size", path: path) {
            _ = try SpectrogramExtractor(config: AudioConfig()).features(ofFile: path)
        }
    }

    func testShortDataSizeFollowedByJunkWarns() throws {
        // 100 of the 200 sample bytes declared, the rest not a chunk: libsndfile (and librosa)
        // read the declared 50 samples
        let junk = try wav16(declared: 100, named: "junk.wav")
        let decoded = try AudioFile.read(path: junk)
        XCTAssertEqual(decoded.samples, Array(oneToHundred[0..<50]))
        XCTAssertEqual(decoded.warnings.map(\.code), ["data-size"])

        // a real chunk after the declared end is fine: no warning
        let list = Array("LIST".utf8) + [4, 0, 0, 0] + Array("INFO".utf8)
        let exact = try wav16(declared: 200, trailer: list, named: "list.wav")
        let clean = try AudioFile.read(path: exact)
        XCTAssertEqual(clean.samples, oneToHundred)
        XCTAssertEqual(clean.warnings, [])
    }

    func testHeaderWalkFindsDataBehindOtherChunks() {
        // RIFF WAVE, a 3-byte odd chunk (padded to 4), fmt, data of 8 bytes in a 60-byte file
        var bytes = Array("RIFF".utf8) + [52, 0, 0, 0] + Array("WAVE".utf8)
        bytes += Array("junk".utf8) + [3, 0, 0, 0, 1, 2, 3, 0]
        bytes += Array("fmt ".utf8) + [16, 0, 0, 0, 1, 0, 1, 0, 0x80, 0x3E, 0, 0, 0, 0x7D, 0, 0]
        bytes += [2, 0, 16, 0]
        bytes += Array("data".utf8) + [8, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        let header = AudioWAVHeader.walk(fileSize: UInt64(bytes.count)) { offset, count in
            let start = Int(offset)
            return start < bytes.count ? Array(bytes[start..<min(bytes.count, start + count)])
                : []
        }
        // 12 + 12 (junk) + 24 (fmt) + 8 (data header) = 56
        XCTAssertEqual(header?.dataOffset, 56)
        XCTAssertEqual(header?.declaredBytes, 8)
        XCTAssertEqual(header?.presentBytes, UInt64(bytes.count - 56))
        XCTAssertEqual(header?.blockAlign, 2)
    }

    // MARK: - Truncated compressed files

    func testTruncatedFLACDecodesWhatIsThereAndWarns() throws {
        let source = try AudioFormatFixtures.folder.appendingPathComponent("flac-s24-stereo.flac")
        let bytes = try Data(contentsOf: source)
        let path = try S.write(bytes.prefix(bytes.count * 6 / 10), named: "cut.flac",
                               in: S.temporaryFolder(self))

        let full = try AudioFile.read(path: source.path)
        let cut = try AudioFile.read(path: path)

        XCTAssertGreaterThan(cut.samples.count, 0)
        XCTAssertLessThan(cut.samples.count, full.samples.count)
        XCTAssertEqual(cut.samples, Array(full.samples.prefix(cut.samples.count)))
        XCTAssertEqual(cut.warnings.map(\.code), ["truncated"])
        print("FLAC cut at 60 %: \(cut.samples.count) of \(full.samples.count) frames; "
            + (cut.warnings.first?.message ?? ""))
    }

    func testTruncatedMP4DecodesWhatIsThereAndWarns() throws {
        // the fixture keeps its index in front (faststart), as streamed MP4s do
        let source = try AudioFormatFixtures.folder.appendingPathComponent("mp4-aac.mp4")
        let bytes = try Data(contentsOf: source)
        let path = try S.write(bytes.prefix(bytes.count / 2), named: "cut.mp4",
                               in: S.temporaryFolder(self))

        let full = try AudioFile.read(path: source.path)
        let cut = try AudioFile.read(path: path)

        XCTAssertGreaterThan(cut.samples.count, 0)
        XCTAssertLessThan(cut.samples.count, full.samples.count)
        XCTAssertEqual(cut.samples, Array(full.samples.prefix(cut.samples.count)))
        XCTAssertEqual(cut.warnings.map(\.code), ["truncated"])
        print("MP4 cut in half: \(cut.samples.count) of \(full.samples.count) frames; "
            + (cut.warnings.first?.message ?? ""))
    }

    func testTruncatedOggDecodesWhatIsThereAndWarns() throws {
        // 2 s of Ogg Vorbis written by libsndfile, cut at 60 %: Debian's libsndfile 1.2.0 opens
        // it with an unknown length and decodes the pages that are there
        let dir = try S.temporaryFolder(self)
        let whole = dir.appendingPathComponent("whole.ogg").path
        // noise (a linear congruential sequence), so that audio pages outweigh the headers
        var state: UInt32 = 12_345
        let samples = (0..<32_000).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(Int32(bitPattern: state)) / Float(Int32.max) * 0.4
        }
        let format = Int32(SF_FORMAT_OGG) | Int32(SF_FORMAT_VORBIS)
        do {
            let file = try AudioSoundFile(writingTo: whole, sampleRate: 16_000, channels: 1,
                                          format: format)
            XCTAssertEqual(samples.withUnsafeBufferPointer {
                file.writeFrames($0.baseAddress!, frames: $0.count)
            }, samples.count)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        let path = try S.write(bytes.prefix(bytes.count * 6 / 10), named: "cut.ogg", in: dir)

        let full = try AudioFile.read(path: whole)
        let cut = try AudioFile.read(path: path)

        XCTAssertEqual(full.samples.count, samples.count)
        XCTAssertGreaterThan(cut.samples.count, 8_000)
        XCTAssertLessThan(cut.samples.count, samples.count)
        XCTAssertEqual(cut.samples, Array(full.samples.prefix(cut.samples.count)))
        XCTAssertEqual(cut.warnings.map(\.code), ["truncated"])
        XCTAssertEqual(try AudioFile.probe(path: path).frames, 0)

        // cut inside its headers, nothing is decodable: one finding naming both libraries
        let head = try S.write(bytes.prefix(600), named: "head.ogg", in: dir)
        S.assertMediaError("not-audio", path: head) { _ = try AudioFile.read(path: head) }
    }

    func testWAVThatLibsndfileRefusesIsDecodedByLibavformatWithAWarning() throws {
        // G.722 inside a WAV header: libsndfile recognises the RIFF file but rejects its fmt
        // chunk; libavformat decodes it, and the fallback is reported
        let path = try AudioFormatFixtures.folder.appendingPathComponent("wav-g722.wav").path
        let decoded = try AudioFile.read(path: path)
        XCTAssertEqual(decoded.format, "wav g722")
        XCTAssertEqual(decoded.warnings.map(\.code), ["decoder-fallback"])
        XCTAssertTrue(decoded.warnings[0].message.contains("libsndfile"),
                      decoded.warnings[0].message)
    }

    func testMP4WithoutItsIndexIsUnreadable() throws {
        // an MP4 cut before its moov atom cannot be demuxed at all (CASES B5)
        let source = try AudioFormatFixtures.folder.appendingPathComponent("mp4-aac.mp4")
        let bytes = try Data(contentsOf: source)
        let path = try S.write(bytes.prefix(200), named: "head.mp4", in: S.temporaryFolder(self))
        do {
            _ = try AudioFile.read(path: path)
            XCTFail("a 200-byte MP4 head decoded")
        } catch let error as MediaError {
            XCTAssertEqual(error.path, path)
            XCTAssertTrue(["unreadable", "not-audio", "empty-media", "decode-failed"]
                .contains(error.code), "\(error)")
        }
    }

    // MARK: - Non-finite samples and missing tracks

    func testInfiniteAndNaNSamplesAreRejectedInEveryDecoder() throws {
        let dir = try S.temporaryFolder(self)
        let float = try S.write(S.wav(formatTag: 3, channels: 1, sampleRate: 16000,
                                      bitsPerSample: 32, data: S.float32Bytes([0.1, .infinity])),
                                named: "inf.wav", in: dir)
        let nanBits: [UInt8] = [0, 0, 0, 0, 0, 0, 0xF8, 0x7F]   // a float64 quiet NaN
        let double = try S.write(S.wav(formatTag: 3, channels: 1, sampleRate: 16000,
                                       bitsPerSample: 64, data: [0, 0, 0, 0, 0, 0, 0, 0] + nanBits),
                                 named: "nan64.wav", in: dir)
        let container = try AudioFormatFixtures.folder.appendingPathComponent("bad-nan.mkv").path
        let extractor = try SpectrogramExtractor(config: AudioConfig())
        for path in [float, double, container] {
            S.assertMediaError("non-finite", path: path) { _ = try AudioFile.read(path: path) }
            S.assertMediaError("non-finite", path: path) {
                _ = try extractor.features(ofFile: path)
            }
        }
    }

    /// Finite float samples near the float32 limit overflow libsoxr's filter sums into NaN:
    /// the clip is rejected, file by file and in a batch, instead of reaching a shard as NaN
    /// (or, after the log, as a constant 89.1). At the target rate nothing is resampled and
    /// the clamp keeps the clip usable; without the clamp, an overflowing spectrogram is
    /// rejected too.
    func testSamplesTooLargeForResamplingOrTheSpectrumAreRejected() throws {
        let dir = try S.temporaryFolder(self)
        let sine = (0..<4000).map { Float(sin(Double($0) * 0.3)) }
        func floatWAV(_ name: String, rate: UInt32, scale: Float) throws -> String {
            try S.write(S.wav(formatTag: 3, channels: 1, sampleRate: rate, bitsPerSample: 32,
                              data: S.float32Bytes(sine.map { $0 * scale })),
                        named: name, in: dir)
        }
        let huge = try floatWAV("huge.wav", rate: 16000, scale: 1e37)
        let huge2 = try floatWAV("huge2.wav", rate: 16000, scale: 3e38)
        let extractor = try SpectrogramExtractor(config: AudioConfig())
        for path in [huge, huge2] {
            S.assertMediaError("non-finite", path: path) {
                _ = try extractor.features(ofFile: path)
            }
        }
        for result in extractor.features(ofFiles: [huge, huge2], batch: 2) {
            guard case .failure(let error) = result else { return XCTFail("\(result)") }
            XCTAssertEqual((error as? MediaError)?.code, "non-finite")
        }

        let atTarget = try floatWAV("target.wav", rate: 22050, scale: 3e38)
        let clamped = try extractor.features(ofFile: atTarget).spectrogram
        // a clamped clip's |S| is at most the window's sum, 256: log 256 = 5.5452
        XCTAssertTrue(clamped.values.allSatisfy { $0.isFinite && $0 <= 5.546 })

        var unclampedConfig = AudioConfig()
        unclampedConfig.clamp = false
        let unclamped = try SpectrogramExtractor(config: unclampedConfig)
        let loud = try floatWAV("loud.wav", rate: 22050, scale: 1e30)
        S.assertMediaError("non-finite", path: loud) { _ = try unclamped.features(ofFile: loud) }
        let fine = try floatWAV("fine.wav", rate: 22050, scale: 1000)
        XCTAssertTrue(try unclamped.features(ofFile: fine).spectrogram.values
            .allSatisfy(\.isFinite))
    }

    func testContainerWithoutAudioAndPointersNamedLikeVideo() throws {
        let video = try AudioFormatFixtures.folder.appendingPathComponent("video-only.mp4").path
        S.assertMediaError("not-audio", path: video) { _ = try AudioFile.read(path: video) }

        let dir = try S.temporaryFolder(self)
        let pointer = try S.write(Data("version https://git-lfs.github.com/spec/v1\n".utf8),
                                  named: "clip.mp4", in: dir)
        S.assertMediaError("lfs-pointer", path: pointer) { _ = try AudioFile.read(path: pointer) }
        let text = try S.write(Data(String(repeating: "not media\n", count: 50).utf8),
                               named: "clip.mkv", in: dir)
        S.assertMediaError("not-audio", path: text) { _ = try AudioFile.read(path: text) }
        let empty = try S.write(Data(), named: "clip.flv", in: dir)
        S.assertMediaError("empty-media", path: empty) { _ = try AudioFile.read(path: empty) }
    }
}
