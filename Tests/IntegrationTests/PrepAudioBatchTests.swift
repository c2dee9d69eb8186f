import Cache
import Datasets
import Foundation
import Media
import XCTest

@testable import Pipeline

/// `prep` resampling WAV files in batches per worker (`PrepOptions.audioBatch`) gives what it
/// gives file by file (`audioBatch = 1`): the same config key, the same shard bytes, the same
/// rejections and warnings per sample, with bad files among the batched ones.
final class PrepAudioBatchTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = try CacheTestSupport.scratch("audio-batch")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// A synthetic CREMA-D layout (16 kHz PCM_16 WAVs, frame folders and FLV videos); its
    /// WAV paths, sorted.
    private func demo(_ perClass: [String: Int]) throws -> (root: String, wavs: [String]) {
        let root = scratch + "/demo"
        var demo = DemoDataset()
        demo.perClass = perClass
        try demo.write(to: root)
        let wavs = try FileManager.default.contentsOfDirectory(atPath: root + "/AudioWAV")
            .filter { $0.hasSuffix(".wav") }.sorted().map { root + "/AudioWAV/" + $0 }
        return (root, wavs)
    }

    private func prep(_ root: String, config: PipelineConfig, batch: Int) throws -> PrepSummary {
        var options = PrepOptions(dataset: "crema", root: root, config: config)
        options.cacheRoot = scratch + "/cache-\(batch)"
        options.quiet = true
        options.workers = 2
        options.audioBatch = batch
        return try PrepRunner.run(options)
    }

    func testBatchedPrepWritesTheShardsOfFileByFilePrep() throws {
        let (root, wavs) = try demo(["train": 3, "test": 2])
        XCTAssertEqual(wavs.count, 30)
        guard var config = PipelineConfig.builtIn("crema") else {
            throw CocoaError(.featureUnsupported)
        }
        config.shardSize = 8
        let speech = try wavs.map { try AudioFile.read(path: $0).samples }

        // 0: the header declares every sample, a third of the data is gone (a warning)
        let whole = try Data(contentsOf: URL(fileURLWithPath: wavs[0]))
        try whole.prefix(whole.count * 2 / 3).write(to: URL(fileURLWithPath: wavs[0]))
        // 1: float samples with a NaN inside the clip (rejected)
        var poisoned = speech[1]
        poisoned[100] = .nan
        try TestWAVWriter.write(poisoned.map { [$0] }, sampleRate: 16_000, encoding: .float32,
                                to: wavs[1])
        // 2: float samples, 4.5 s, with a NaN past what a batch would decode but before what
        // the file-by-file path decodes (rejected, as file by file)
        let long = (0..<72_000).map { speech[2][$0 % speech[2].count] }
        try TestWAVWriter.write(long.map { [$0] }, sampleRate: 16_000, encoding: .float32,
                                to: wavs[2])
        let extractor = try SpectrogramExtractor(config: config.audio)
        let alone = try extractor.features(ofFile: wavs[2]).framesRead
        let together = try extractor.features(ofFiles: [wavs[2], wavs[3]], batch: 2)[0].get()
            .framesRead
        XCTAssertLessThan(together + 1, alone, "a batch stops sooner in a long source")
        var late = long
        late[together] = .nan
        try TestWAVWriter.write(late.map { [$0] }, sampleRate: 16_000, encoding: .float32,
                                to: wavs[2])
        // 3–5: other source rates and encodings, batched in their own groups
        try TestWAVWriter.write(speech[3].enumerated().filter { $0.offset % 2 == 0 }
            .map { [$0.element] }, sampleRate: 8_000, encoding: .pcm16, to: wavs[3])
        try TestWAVWriter.write(speech[4].map { [$0] }, sampleRate: 22_050, encoding: .pcm16,
                                to: wavs[4])
        try TestWAVWriter.write(speech[5].map { [$0, -0.5 * $0] }, sampleRate: 32_000,
                                encoding: .pcm24, to: wavs[5])

        XCTAssertEqual(wavs.map { AudioBatching.batchable($0, config: config.audio) },
                       [true, false, false] + Array(repeating: true, count: 27))

        let single = try prep(root, config: config, batch: 1)
        let batched = try prep(root, config: config, batch: 8)

        XCTAssertEqual(batched.configKey, single.configKey)
        XCTAssertEqual(single.rejectedByCode, ["non-finite": 2])
        XCTAssertEqual(batched.rejectedByCode, single.rejectedByCode)
        XCTAssertEqual(single.warningsByCode, ["truncated": 1, "empty-split": 1])
        XCTAssertEqual(batched.warningsByCode, single.warningsByCode)
        XCTAssertEqual(batched.samples, single.samples)
        let digests = try CacheTestSupport.shardDigests(single.cacheFolder)
        XCTAssertGreaterThanOrEqual(digests.count, 4)
        XCTAssertEqual(try CacheTestSupport.shardDigests(batched.cacheFolder), digests)
        let one = try Manifest.load(cacheFolder: single.cacheFolder)
        let eight = try Manifest.load(cacheFolder: batched.cacheFolder)
        let poisonedIDs = wavs[1...2].map {
            (($0 as NSString).lastPathComponent as NSString).deletingPathExtension
        }
        XCTAssertEqual(one.rejected.map(\.id).sorted(), poisonedIDs.sorted())
        XCTAssertEqual(eight.rejected, one.rejected)
        XCTAssertEqual(eight.warnings, one.warnings)
        XCTAssertEqual(one.warnings?.map(\.code), ["truncated"])
    }

    func testABadFileAmongBatchedOnesRejectsOnlyItsSample() throws {
        let (root, wavs) = try demo(["train": 1, "test": 1])
        guard let config = PipelineConfig.builtIn("crema"),
              let real = DatasetRoot(path: root)?.real else {
            throw CocoaError(.featureUnsupported)
        }
        let scan = CremaLayout().scan(root: root)
        XCTAssertEqual(scan.samples.count, 12)
        let visual = try XCTUnwrap(scan.samples.first?.sources.filter { $0.key != "audio" })

        let bad = real + "/AudioWAV/bad"
        try FileManager.default.createDirectory(atPath: bad + "/folder.wav",
                                                withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: bad + "/empty.wav"))
        try Data("version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 9\n".utf8)
            .write(to: URL(fileURLWithPath: bad + "/pointer.wav"))
        try Data("not a sound".utf8).write(to: URL(fileURLWithPath: bad + "/text.wav"))
        let whole = try Data(contentsOf: URL(fileURLWithPath: wavs[0]))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: bad + "/cut.wav"))
        let expected = ["missing.wav": "missing", "folder.wav": "unreadable",
                        "empty.wav": "empty-media", "pointer.wav": "lfs-pointer",
                        "text.wav": "not-audio"]
        let extra = expected.keys.sorted() + ["cut.wav"]
        var samples: [Sample] = []
        for (index, good) in scan.samples.enumerated() {
            samples.append(good)
            guard index < extra.count else { continue }
            samples.append(Sample(id: "bad-\(index)", split: "train", label: 0,
                                  sources: visual.merging(["audio": bad + "/" + extra[index]])
                                    { $1 }))
        }

        let batched = try SampleProcessor(config: config, rootReal: real, audioBatch: 8)
        let oneByOne = try SampleProcessor(config: config, rootReal: real, audioBatch: 1)
        let results = batched.process(samples)

        XCTAssertEqual(results.count, samples.count)
        var codes: [String: String] = [:]
        var warned: [String] = []
        for (sample, result) in zip(samples, results) {
            switch (oneByOne.process(sample), result) {
            case (.success(let alone), .success(let together)):
                XCTAssertEqual(together.audio, alone.audio, sample.id)
                XCTAssertEqual(together.frames?.pixels, alone.frames?.pixels, sample.id)
                XCTAssertEqual(together.warnings, alone.warnings, sample.id)
                warned += together.warnings.map(\.path)
            case (.failure(let alone), .failure(let together)):
                XCTAssertEqual(together, alone, sample.id)
                codes[(together.path as NSString).lastPathComponent] = together.code
            case (let alone, let together):
                XCTFail("\(sample.id): \(together) instead of \(alone)")
            }
        }
        XCTAssertEqual(codes, expected)
        XCTAssertEqual(warned, ["AudioWAV/bad/cut.wav"])
    }

    func testOnlyShortClipsOfIntegerWAVFilesAreBatched() throws {
        let folder = scratch + "/rates"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tone = (0..<4_410).map { Float(sin(Double($0) * 0.1)) * 0.5 }
        let cd = folder + "/cd.wav", wideband = folder + "/wideband.wav"
        try TestWAVWriter.write(tone.map { [$0] }, sampleRate: 44_100, encoding: .pcm16, to: cd)
        try TestWAVWriter.write(tone.map { [$0] }, sampleRate: 16_000, encoding: .pcm16,
                                to: wideband)
        guard let crema = PipelineConfig.builtIn("crema")?.audio,
              let ks = PipelineConfig.builtIn("ks")?.audio else {
            throw CocoaError(.featureUnsupported)
        }
        // 3 s at 16 kHz: 48 000 source frames; at 44.1 kHz: 132 300 > 2^17 = 131 072
        XCTAssertTrue(AudioBatching.batchable(wideband, config: crema))
        XCTAssertFalse(AudioBatching.batchable(cd, config: crema))
        var shorter = crema
        shorter.clipSeconds = 2.9  // 127 890 source frames at 44.1 kHz
        XCTAssertTrue(AudioBatching.batchable(cd, config: shorter))
        // 10 s: 160 000 frames at 16 kHz
        XCTAssertFalse(AudioBatching.batchable(wideband, config: ks))
        XCTAssertFalse(AudioBatching.batchable(folder + "/missing.wav", config: crema))

        // below a quarter of the target rate (22 050 / 4 = 5 512.5 Hz) file by file
        let low = folder + "/low.wav", phone = folder + "/phone.wav"
        try TestWAVWriter.write(tone.map { [$0] }, sampleRate: 5_512, encoding: .pcm16, to: low)
        try TestWAVWriter.write(tone.map { [$0] }, sampleRate: 8_000, encoding: .pcm16,
                                to: phone)
        XCTAssertFalse(AudioBatching.batchable(low, config: crema))
        XCTAssertTrue(AudioBatching.batchable(phone, config: crema))
    }

    func testWorkersTakeWholeRunsUntilTheEndOfAShard() {
        // 64 samples, 2 workers, runs of 8: 8 at a time while 16 or more are left, then
        // half of what is left
        var remaining = 64, takes: [Int] = []
        while remaining > 0 {
            let take = AudioBatching.take(remaining: remaining, workers: 2, run: 8)
            takes.append(take)
            remaining -= take
        }
        XCTAssertEqual(takes, Array(repeating: 8, count: 7) + [4, 2, 1, 1])
        XCTAssertEqual(AudioBatching.take(remaining: 5, workers: 1, run: 8), 5)
        XCTAssertEqual(AudioBatching.take(remaining: 30, workers: 3, run: 1), 1)
        XCTAssertEqual(AudioBatching.take(remaining: 0, workers: 2, run: 8), 0)
    }

    func testAWorkersRunHoldsEightBatches() throws {
        guard let config = PipelineConfig.builtIn("crema") else {
            return XCTFail("no built-in crema config")
        }
        XCTAssertEqual(try SampleProcessor(config: config, rootReal: "/", audioBatch: 8)
            .audioRun, 64)
        XCTAssertEqual(try SampleProcessor(config: config, rootReal: "/", audioBatch: 1)
            .audioRun, 1)
    }
}
