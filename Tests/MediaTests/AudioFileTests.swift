import Foundation
import XCTest

@testable import Media

/// Decoding to float (CASES D1), header probing, writing, and every bad-input code (D2).
final class AudioFileTests: XCTestCase {
    private typealias S = AudioTestSupport

    // MARK: - Sample formats (D1)

    func testUnsigned8BitBytesMapToHandValues() throws {
        let dir = try S.temporaryFolder(self)
        let path = try S.write(S.wav(formatTag: 1, channels: 1, sampleRate: 8000,
                                     bitsPerSample: 8, data: [0x00, 0x80, 0xFF, 0x40]),
                               named: "u8.wav", in: dir)

        let decoded = try AudioFile.readMono(path: path)

        // (byte - 128) / 128
        XCTAssertEqual(decoded.samples, [-1, 0, 0.9921875, -0.5])
        XCTAssertEqual(decoded.sampleRate, 8000)
        XCTAssertEqual(try AudioFile.probe(path: path).format, "WAV PCM_U8")
    }

    func testSigned16BitFullScaleIsMinusOne() throws {
        let dir = try S.temporaryFolder(self)
        let data = S.int16Bytes([-32768, 16384, 32767, 0, -1])
        let path = try S.write(S.wav(formatTag: 1, channels: 1, sampleRate: 16000,
                                     bitsPerSample: 16, data: data),
                               named: "s16.wav", in: dir)

        let decoded = try AudioFile.readMono(path: path)

        // value / 32768
        XCTAssertEqual(decoded.samples, [-1, 0.5, 32767.0 / 32768.0, 0, -1.0 / 32768.0])
        XCTAssertEqual(try AudioFile.probe(path: path),
                       AudioInfo(frames: 5, sampleRate: 16000, channels: 1, format: "WAV PCM_16"))
    }

    func testSigned24BitInExtensibleHeader() throws {
        let dir = try S.temporaryFolder(self)
        // -2^23, 2^22, 2^23 - 1 as little-endian 24-bit
        let data: [UInt8] = [0x00, 0x00, 0x80, 0x00, 0x00, 0x40, 0xFF, 0xFF, 0x7F]
        let path = try S.write(S.wav(formatTag: 0xFFFE, channels: 1, sampleRate: 48000,
                                     bitsPerSample: 24, data: data, subFormat: 1),
                               named: "s24ext.wav", in: dir)

        let decoded = try AudioFile.readMono(path: path)

        XCTAssertEqual(decoded.samples, [-1, 0.5, Float(8_388_607.0 / 8_388_608.0)])
        XCTAssertEqual(try AudioFile.probe(path: path).format, "WAVEX PCM_24")
    }

    func testFloatInputPassesUnclipped() throws {
        let dir = try S.temporaryFolder(self)
        let values: [Float] = [1.5, -2.25, 0.125]
        let path = try S.write(S.wav(formatTag: 3, channels: 1, sampleRate: 22050,
                                     bitsPerSample: 32, data: S.float32Bytes(values)),
                               named: "f32.wav", in: dir)

        XCTAssertEqual(try AudioFile.readMono(path: path).samples, values)
        XCTAssertEqual(try AudioFile.probe(path: path).format, "WAV FLOAT")
    }

    func testStereoBecomesMeanOfChannels() throws {
        let dir = try S.temporaryFolder(self)
        // frames (L, R): (0.5, -0.25), (-1, 0), (0.25, 0.25)
        let data = S.int16Bytes([16384, -8192, -32768, 0, 8192, 8192])
        let path = try S.write(S.wav(formatTag: 1, channels: 2, sampleRate: 44100,
                                     bitsPerSample: 16, data: data),
                               named: "stereo.wav", in: dir)

        let decoded = try AudioFile.readMono(path: path)

        XCTAssertEqual(decoded.samples, [0.125, -0.5, 0.25])
        XCTAssertEqual(try AudioFile.probe(path: path).channels, 2)
    }

    func testProbeOfRealRecording() throws {
        let path = try S.fixtureFolder.appendingPathComponent("ast8k-digit5.wav").path
        // soundfile.info: 8000 Hz, 1 channel, 6561 frames, PCM_16
        XCTAssertEqual(try AudioFile.probe(path: path),
                       AudioInfo(frames: 6561, sampleRate: 8000, channels: 1, format: "WAV PCM_16"))
    }

    func testWriteWAV16RoundTripsWithinOneStep() throws {
        let dir = try S.temporaryFolder(self)
        let path = dir.appendingPathComponent("out.wav").path
        let values: [Float] = [0, 0.5, -0.5, 0.999, -1, 1, 2.5, -3, 0.1234]

        try AudioFile.writeWAV16(path: path, samples: values, sampleRate: 16000)
        let decoded = try AudioFile.readMono(path: path)

        XCTAssertEqual(decoded.sampleRate, 16000)
        XCTAssertEqual(try AudioFile.probe(path: path).format, "WAV PCM_16")
        XCTAssertEqual(decoded.samples.count, values.count)
        for (got, want) in zip(decoded.samples, values.map { min(max($0, -1), 1) }) {
            // one 16-bit quantisation step
            XCTAssertEqual(got, want, accuracy: 1.0 / 32767.0)
        }
        AudioTestSupport.assertMediaError("non-finite") {
            try AudioFile.writeWAV16(path: path, samples: [0, .nan], sampleRate: 16000)
        }
    }

    // MARK: - Bad input (D2, A1)

    func testMissingFile() {
        S.assertMediaError("missing", path: "/nonexistent/amss/clip.wav") {
            _ = try AudioFile.readMono(path: "/nonexistent/amss/clip.wav")
        }
    }

    func testDirectoryIsUnreadable() throws {
        let dir = try S.temporaryFolder(self)
        S.assertMediaError("unreadable", path: dir.path) {
            _ = try AudioFile.probe(path: dir.path)
        }
    }

    func testFIFOIsUnreadableWithoutWaitingForAWriter() throws {
        let path = try S.temporaryFolder(self).appendingPathComponent("pipe.wav").path
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        let done = DispatchSemaphore(value: 0)
        let outcome = ProbeOutcome()
        DispatchQueue.global().async {
            do { _ = try AudioFile.probe(path: path) } catch { outcome.error = error }
            done.signal()
        }

        // opening a FIFO for reading blocks until a writer comes, unless asked not to
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "probing a FIFO hangs")
        XCTAssertEqual((outcome.error as? MediaError)?.code, "unreadable")
        XCTAssertEqual((outcome.error as? MediaError)?.path, path)
    }

    func testTooManyChannelsNamesLibsndfilesReason() throws {
        // libsndfile reads at most 1024 channels; libavformat then fails to open the codec
        let data = AudioTestSupport.wav(formatTag: 1, channels: 1_025, sampleRate: 16_000,
                                        bitsPerSample: 16, data: [UInt8](repeating: 0,
                                                                         count: 2_050 * 4))
        let path = try S.write(data, named: "wide.wav", in: S.temporaryFolder(self))
        XCTAssertThrowsError(try AudioFile.probe(path: path)) { error in
            let reason = (error as? MediaError)?.reason ?? ""
            XCTAssertTrue(reason.hasPrefix("libsndfile cannot read it as audio: Too many "
                                           + "channels"), reason)
            XCTAssertTrue(reason.contains("; avcodec_open2 failed"), reason)
        }
    }

    func testZeroByteFileIsEmptyMedia() throws {
        let dir = try S.temporaryFolder(self)
        let path = try S.write(Data(), named: "empty.wav", in: dir)
        S.assertMediaError("empty-media", path: path) { _ = try AudioFile.probe(path: path) }
        S.assertMediaError("empty-media", path: path) { _ = try AudioFile.readMono(path: path) }
    }

    func testHeaderWithoutSamplesIsEmptyMedia() throws {
        let dir = try S.temporaryFolder(self)
        let path = try S.write(S.wav(formatTag: 1, channels: 1, sampleRate: 16000,
                                     bitsPerSample: 16, data: []),
                               named: "1040_ITH_SAD_X.wav", in: dir)
        S.assertMediaError("empty-media", path: path) { _ = try AudioFile.probe(path: path) }
        S.assertMediaError("empty-media", path: path) { _ = try AudioFile.readMono(path: path) }

        // a data chunk that declares 64 000 bytes but holds none
        let hollow = try S.write(S.wav(formatTag: 1, channels: 1, sampleRate: 16000,
                                       bitsPerSample: 16, data: [], declaredDataBytes: 64_000),
                                 named: "hollow.wav", in: dir)
        S.assertMediaError("empty-media", path: hollow) { _ = try AudioFile.readMono(path: hollow) }
    }

    func testGitLFSPointerIsRecognised() throws {
        let dir = try S.temporaryFolder(self)
        let pointer = "version https://git-lfs.github.com/spec/v1\n"
            + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
            + "size 123456\n"
        let path = try S.write(Data(pointer.utf8), named: "1001_DFA_ANG_XX.wav", in: dir)
        S.assertMediaError("lfs-pointer", path: path) { _ = try AudioFile.probe(path: path) }
        S.assertMediaError("lfs-pointer", path: path) { _ = try AudioFile.readMono(path: path) }
    }

    func testTextFileIsNotAudio() throws {
        let dir = try S.temporaryFolder(self)
        let text = String(repeating: "this is a text file, not a recording\n", count: 20)
        let path = try S.write(Data(text.utf8), named: "notes.wav", in: dir)
        S.assertMediaError("not-audio", path: path) { _ = try AudioFile.probe(path: path) }
        S.assertMediaError("not-audio", path: path) { _ = try AudioFile.readMono(path: path) }
    }

    func testTruncatedDataChunkDecodesWhatIsThere() throws {
        let dir = try S.temporaryFolder(self)
        let present: [Int16] = [100, -200, 300, -400, 500]
        let path = try S.write(S.wav(formatTag: 1, channels: 1, sampleRate: 16000,
                                     bitsPerSample: 16, data: S.int16Bytes(present),
                                     declaredDataBytes: 64_000),
                               named: "truncated.wav", in: dir)

        let decoded = try AudioFile.readMono(path: path)

        XCTAssertEqual(decoded.samples, present.map { Float($0) / 32768 })
    }

    func testNaNSampleInFloatWAVIsRejected() throws {
        let dir = try S.temporaryFolder(self)
        let data = S.float32Bytes([0.1, .nan, 0.2])
        let path = try S.write(S.wav(formatTag: 3, channels: 1, sampleRate: 16000,
                                     bitsPerSample: 32, data: data),
                               named: "nan.wav", in: dir)
        S.assertMediaError("non-finite", path: path) { _ = try AudioFile.readMono(path: path) }
        let extractor = try SpectrogramExtractor(config: AudioConfig())
        S.assertMediaError("non-finite", path: path) {
            _ = try extractor.spectrogram(ofFile: path)
        }
    }
}

/// What a probe on another thread threw; read only after that thread signalled.
private final class ProbeOutcome: @unchecked Sendable {
    var error: Error?
}
