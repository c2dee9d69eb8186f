import Foundation
import XCTest

@testable import Media

/// `SpectrogramExtractor.features(ofFiles:batch:)`, which resamples clips of one source rate
/// together, gives what `features(ofFile:)` gives file by file (itself checked against librosa
/// by the parity tests): the same spectrograms bit for bit, warnings and errors.
final class AudioBatchTests: XCTestCase {
    /// Every committed audio and video fixture, plus made files: a 20 s file read only in
    /// part, a truncated WAV, an empty one, a git-lfs pointer, a missing path.
    private func files() throws -> [String] {
        let root = try AudioTestSupport.fixtureFolder
        let media: Set<String> = ["wav", "flac", "ogg", "opus", "mp4", "flv", "avi", "mkv"]
        let found = FileManager.default.enumerator(atPath: root.path)?
            .compactMap { $0 as? String }
            .filter { media.contains(($0 as NSString).pathExtension) }
            .sorted()
            .map { root.appendingPathComponent($0).path } ?? []
        XCTAssertGreaterThan(found.count, 20)

        let dir = try AudioTestSupport.temporaryFolder(self)
        let speech = try AudioFile.read(path: root
            .appendingPathComponent("ast16k-queue-callswaiting.wav").path).samples
        let long = dir.appendingPathComponent("twenty-seconds.wav").path
        try AudioFile.writeWAV16(path: long, samples: (0..<320_000).map {
            speech[$0 % speech.count] * (0.5 + 0.4 * Float($0 % 7_919) / 7_919)
        }, sampleRate: 16_000)
        let truncated = dir.appendingPathComponent("truncated.wav")
        let pcm = (0..<8_000).flatMap { i -> [UInt8] in
            let v = Int16(3_000 * sin(Double(i) * 0.05))
            return [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)]
        }
        try AudioTestSupport.wav(formatTag: 1, channels: 1, sampleRate: 16_000,
                                 bitsPerSample: 16, data: pcm, declaredDataBytes: 64_000)
            .write(to: truncated)
        let empty = dir.appendingPathComponent("empty.wav")
        try Data().write(to: empty)
        let pointer = dir.appendingPathComponent("pointer.wav")
        try Data("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 9\n".utf8)
            .write(to: pointer)
        return found + [long, truncated.path, empty.path, pointer.path,
                        dir.appendingPathComponent("missing.wav").path]
    }

    func testBatchesEqualFileByFileForEveryRuleAndBothRecipes() throws {
        let paths = try files()
        for (rate, seconds) in [(22_050, 3.0), (35_400, 10.0)] {
            for rule in FitRule.allCases {
                var config = AudioConfig()
                config.sampleRate = rate
                config.clipSeconds = seconds
                config.fit = rule
                let single = try SpectrogramExtractor(config: config)
                let batched = try SpectrogramExtractor(config: config)

                let results = batched.features(ofFiles: paths, batch: 4)

                XCTAssertEqual(results.count, paths.count)
                var together = 0
                for (path, result) in zip(paths, results) {
                    let name = "\((path as NSString).lastPathComponent), \(rate) Hz, \(rule)"
                    do {
                        let expected = try single.features(ofFile: path)
                        let features = try result.get()
                        XCTAssertEqual(features.spectrogram, expected.spectrogram, name)
                        XCTAssertEqual(features.warnings, expected.warnings, name)
                        XCTAssertEqual(features.readToEnd, expected.readToEnd, name)
                        // a batch reads a long source in rounds sized to what its clips still
                        // lack, one file in chunks of its own, so the two may stop apart
                        XCTAssertLessThanOrEqual(abs(features.framesRead - expected.framesRead),
                                                 AudioClipReader.batchFrames, name)
                        together += 1
                    } catch let expected as MediaError {
                        XCTAssertThrowsError(try result.get(), name) { error in
                            XCTAssertEqual((error as? MediaError)?.code, expected.code, name)
                        }
                    }
                }
                XCTAssertEqual(batched.timings.clips, together)
            }
        }
    }

    func testBatchResamplerEqualsOneChannelSessionsForUnequalLengths() throws {
        let root = try AudioTestSupport.fixtureFolder
        let speech = try AudioFile.read(path: root
            .appendingPathComponent("ast8k-digit5.wav").path).samples
        // lengths from 100 samples to the whole prompt, each a different cut
        let clips = [100, 1_001, 4_097, speech.count].map { Array(speech.prefix($0)) }
        let batch = try ResamplerBatch(from: 8_000, to: 22_050, channels: clips.count, path: "")
        try batch.begin(path: "")
        let outputs = clips.map { _ in AudioSampleBuffer() }
        let frames = 2_048
        let longest = clips.map(\.count).max() ?? 0
        var fed = 0
        let input = UnsafeMutablePointer<Float>.allocate(capacity: clips.count * frames)
        defer { input.deallocate() }
        let wanted = clips.map {
            ResamplerBatch.flushCount(inputLength: $0.count, from: 8_000, to: 22_050)
        }
        while outputs[0].count < (wanted.max() ?? 0) || fed < longest {
            for (c, clip) in clips.enumerated() {
                for i in 0..<frames {
                    input[c * frames + i] = fed + i < clip.count ? clip[fed + i] : 0
                }
            }
            try batch.push(input, frames: frames, into: outputs, path: "")
            fed += frames
        }

        for (c, clip) in clips.enumerated() {
            let alone = try ResamplerSession(from: 8_000, to: 22_050).process(clip, path: "")
            XCTAssertEqual(alone.count, wanted[c], "flush count of \(clip.count) samples")
            XCTAssertEqual(Array(outputs[c].samples.prefix(wanted[c])), alone,
                           "\(clip.count) samples")
        }
    }

    func testRoundsAskForWhatTheTargetLacksPlusTheLatencySeen() {
        // 16 kHz → 22.05 kHz: a source frame is worth 22 050 / 16 000 samples
        var rounds = AudioBatchRounds(from: 16_000, to: 22_050, largest: 20_000)
        // nothing fed yet: 22 050 samples lack 22 050 · 16 000 / 22 050 = 16 000 frames
        XCTAssertEqual(rounds.next(target: 22_050, produced: 0), 16_000)
        rounds.fed = 16_000
        // 16 000 frames are worth 22 050 samples and 21 500 came: 550 are held back, the most
        // seen, so the 550 lacking take 550 · 16 000 / 22 050 = 399.1 → 400 frames
        XCTAssertEqual(rounds.next(target: 22_050, produced: 21_500), 400)
        XCTAssertEqual(rounds.next(target: 21_501, produced: 21_500), AudioBatchRounds.smallest)
        rounds.fed = 20_753
        // 20 753 frames are worth 28 600 samples and 28 300 came: 300 held, 250 less than the
        // most seen, which the latency may take back: (300 + 250) · 0.7256 = 399.1 → 400
        XCTAssertEqual(rounds.next(target: 28_600, produced: 28_300), 400)
        XCTAssertEqual(rounds.next(target: 28_301, produced: 28_300), 183)
        var capped = AudioBatchRounds(from: 16_000, to: 22_050, largest: 8_192)
        XCTAssertEqual(capped.next(target: 1_000_000, produced: 0), 8_192)

        // a 1 Hz source: 66 150 samples lack 66 150 / 22 050 = 3 frames, not the usual
        // smallest round of 64 (1.4 million samples); from 1/64 of the target rate up, 64
        var slow = AudioBatchRounds(from: 1, to: 22_050, largest: 8_192)
        XCTAssertEqual(slow.next(target: 66_150, produced: 0), 3)
        XCTAssertEqual(slow.next(target: 66_151, produced: 66_150), 1)
        var edge = AudioBatchRounds(from: 22_050, to: 22_050 * 64, largest: 8_192)
        XCTAssertEqual(edge.next(target: 1, produced: 0), AudioBatchRounds.smallest)
    }

    func testABatchStopsCloseToItsLongestClip() throws {
        let root = try AudioTestSupport.fixtureFolder
        let speech = try AudioFile.read(path: root
            .appendingPathComponent("ast16k-queue-callswaiting.wav").path).samples
        let dir = try AudioTestSupport.temporaryFolder(self)
        let lengths = [3_000, 7_001, speech.count]
        let paths = try lengths.map { n -> String in
            let path = dir.appendingPathComponent("clip-\(n).wav").path
            try AudioFile.writeWAV16(path: path, samples: Array(speech.prefix(n)),
                                     sampleRate: 16_000)
            return path
        }
        let extractor = try SpectrogramExtractor(config: AudioConfig())

        let results = extractor.features(ofFiles: paths, batch: 3)

        XCTAssertEqual(try results.map { try $0.get().framesRead }, lengths)
        // the rounds cover the flush of the longest clip and little more; whole rounds of
        // `batchFrames` would overshoot by up to 8 192 frames
        let past = extractor.reader.batchFed - speech.count
        XCTAssertGreaterThan(past, 0)
        XCTAssertLessThanOrEqual(past, 1_024, "frames fed past the longest clip")
    }

    func testBatchOrderSortsFilesBySizeWithTiesByPosition() throws {
        let dir = try AudioTestSupport.temporaryFolder(self)
        let paths: [String?] = try [300, 100, 200, 100].enumerated().map { index, size in
            try AudioTestSupport.write(Data(count: size), named: "f\(index).wav", in: dir)
        } + [nil, dir.appendingPathComponent("missing.wav").path]

        // nil and the missing file count as 0 bytes; the two 100-byte files keep their order
        XCTAssertEqual(SpectrogramExtractor.batchOrder(paths), [4, 5, 1, 3, 2, 0])
    }
}
