import Cache
import Foundation
import XCTest
@testable import Training

/// Cache folders written with the real HDF5 shard writer: reading, training, typed errors.
final class TrainingDataTests: XCTestCase {
    /// Writes `clips` as one shard with the documented datasets.
    private func writeShard(_ clips: [ClipSample], to path: String,
                            audioShape: [Int] = SyntheticClips.audioShape,
                            labelOffset: Int64 = 0) throws -> ShardEntry {
        let slots = clips.map(\.frameCount).max() ?? 1
        let frameValues = SyntheticClips.frameShape.reduce(1, *) * 3
        var frames: [UInt8] = []
        for clip in clips {
            let padded = Array(clip.frames.prefix(slots * frameValues))
            frames += padded + [UInt8](repeating: 0, count: slots * frameValues - padded.count)
        }
        let audio = clips.flatMap { Array($0.audio.prefix(audioShape.reduce(1, *))) }
        let count = clips.count
        try ShardWriter.write(to: path, ids: clips.map(\.id), columns: [
            ShardColumn(name: "label", shape: [count],
                        values: .int64(clips.map { Int64($0.label) + labelOffset })),
            ShardColumn(name: "audio", shape: [count] + audioShape, values: .float32(audio)),
            ShardColumn(name: "frames", shape: [count, slots] + SyntheticClips.frameShape + [3],
                        values: .uint8(frames)),
            ShardColumn(name: "frame_count", shape: [count],
                        values: .int32(clips.map { Int32($0.frameCount) })),
        ])
        return ShardEntry(file: (path as NSString).lastPathComponent, samples: count,
                          sha256: "")
    }

    /// A cache folder with train (2 shards) and test (1 shard) splits.
    private func writeCache(_ name: String, testAudioShape: [Int] = SyntheticClips.audioShape,
                            testLabelOffset: Int64 = 0,
                            emptyTest: Bool = false) throws -> (String, [ClipSample]) {
        let folder = SyntheticClips.temporaryFolder(name)
        try FileManager.default.createDirectory(atPath: folder,
                                                withIntermediateDirectories: true)
        let train = SyntheticClips.clips(count: 48, classes: 4, seed: 1, prefix: "train")
        let test = SyntheticClips.clips(count: 20, classes: 4, seed: 2, prefix: "test")
        var splits: [String: [ShardEntry]] = [
            "train": [try writeShard(Array(train[0..<30]), to: folder + "/train-0.h5"),
                      try writeShard(Array(train[30...]), to: folder + "/train-1.h5")],
            "valid": [],
        ]
        splits["test"] = emptyTest ? [] : [try writeShard(test, to: folder + "/test-0.h5",
                                                          audioShape: testAudioShape,
                                                          labelOffset: testLabelOffset)]
        let manifest = Manifest(dataset: "synthetic", config: .object([:]), configKey: "k123",
                                toolVersion: "test", classes: ["a", "b", "c", "d"],
                                splits: splits, rejected: [])
        try manifest.save(cacheFolder: folder)
        return (folder, train)
    }

    func testShardSourceReadsWhatWasWritten() throws {
        let (folder, train) = try writeCache("read")
        let data = try TrainingData(cacheFolder: folder)
        XCTAssertEqual(data.classes, ["a", "b", "c", "d"])
        XCTAssertEqual(data.configKey, "k123")
        XCTAssertNil(data.valid, "a valid split without samples counts as absent")
        XCTAssertEqual(data.train.shardSizes, [30, 18])
        XCTAssertEqual(data.train.audioShape, [16, 16])
        XCTAssertEqual(data.train.frameShape, [16, 16])
        let clip = try data.train.clip(shard: 1, sample: 2)
        XCTAssertEqual(clip.id, train[32].id)
        XCTAssertEqual(clip.label, train[32].label)
        XCTAssertEqual(clip.audio, train[32].audio)
        XCTAssertEqual(clip.frameCount, train[32].frameCount)
        let frameValues = 16 * 16 * 3 * clip.frameCount
        XCTAssertEqual(Array(clip.frames.prefix(frameValues)),
                       Array(train[32].frames.prefix(frameValues)))
    }

    /// One epoch straight from HDF5 shards through the prefetch thread.
    func testTrainerRunsFromACacheFolder() throws {
        let (folder, _) = try writeCache("train")
        var options = TrainOptions(out: SyntheticClips.temporaryFolder("train-run"))
        options.epochs = 1
        options.batchSize = 16
        options.width = 1.0 / 16
        options.threads = 1
        let trainer = try Trainer(cacheFolder: folder, options: options)
        var lines: [EpochMetrics] = []
        let summary = try trainer.run { lines.append($0) }
        XCTAssertEqual(lines.count, 1)
        XCTAssertEqual(summary.bestEpoch, 1)
        let config = try String(contentsOfFile: options.out + "/config.json", encoding: .utf8)
        XCTAssertTrue(config.contains("\"config_key\" : \"k123\""))
        XCTAssertTrue(config.contains(folder))
    }

    func testMissingManifestIsATypedError() {
        let folder = SyntheticClips.temporaryFolder("missing")
        XCTAssertThrowsError(try TrainingData(cacheFolder: folder)) { error in
            let typed = error as? TrainingError
            XCTAssertEqual(typed?.path, folder + "/manifest.json")
        }
    }

    func testEmptySplitIsATypedError() throws {
        let (folder, _) = try writeCache("empty", emptyTest: true)
        XCTAssertThrowsError(try TrainingData(cacheFolder: folder)) { error in
            XCTAssertTrue((error as? TrainingError)?.reason.contains("test") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try SyntheticClips.data(test: 0)) { error in
            XCTAssertEqual((error as? TrainingError)?.reason, "split test is empty")
        }
    }

    func testMismatchedShapesAreTypedErrors() throws {
        let (folder, _) = try writeCache("shape", testAudioShape: [16, 12])
        XCTAssertThrowsError(try TrainingData(cacheFolder: folder)) { error in
            let typed = error as? TrainingError
            XCTAssertTrue(typed?.reason.contains("[16, 12]") ?? false, "\(error)")
        }
    }

    func testLabelOutsideTheClassesIsATypedError() throws {
        let (folder, _) = try writeCache("label", testLabelOffset: 3)
        XCTAssertThrowsError(try TrainingData(cacheFolder: folder)) { error in
            let typed = error as? TrainingError
            XCTAssertEqual(typed?.path, folder + "/test-0.h5")
            XCTAssertTrue(typed?.reason.contains("expected 0..<4") ?? false, "\(error)")
        }
    }
}
