import Cache
import Foundation
import XCTest
@testable import Training

/// A validation split carved from train, disjoint by speaker, and still-image caches.
final class ValidationCarverTests: XCTestCase {
    /// 120 clips of 12 CREMA-D-style actors (`10AA_…`), 10 clips each.
    private func actorSource() throws -> InMemoryClipSource {
        var clips = SyntheticClips.clips(count: 120, classes: 4, seed: 5, prefix: "x")
        for index in clips.indices {
            clips[index].id = String(format: "10%02d_IEO_ANG_%03d", index % 12, index)
        }
        return try InMemoryClipSource(location: "actors", clips: clips,
                                      audioShape: SyntheticClips.audioShape,
                                      frameShape: SyntheticClips.frameShape, shardSize: 25)
    }

    func testCarvedSplitIsDisjointByActorAndSized() throws {
        let source = try actorSource()
        let parts = try ValidationCarver.carve(source, fraction: 0.1, groupBy: "actor", seed: 42)
        let validIDs = parts.valid.sampleIDs.joined(), trainIDs = parts.train.sampleIDs.joined()
        XCTAssertEqual(validIDs.count + trainIDs.count, 120)
        XCTAssertEqual(Set(validIDs).union(trainIDs).count, 120, "every clip on one side")
        let validActors = Set(validIDs.map { $0.prefix(4) })
        let trainActors = Set(trainIDs.map { $0.prefix(4) })
        XCTAssertTrue(validActors.isDisjoint(with: trainActors))
        // 10 % of 120 clips = 12 → two whole actors of 10 clips (the first reaches only 10).
        XCTAssertEqual(validActors.count, 2)
        XCTAssertEqual(validIDs.count, 20)
        XCTAssertTrue(parts.note.contains("20 of 120 clips"), parts.note)

        // The clips read through the parts are the base's own.
        let first = try parts.valid.clip(shard: 0, sample: 0)
        XCTAssertEqual(first.id, validIDs.first)

        // The same seed carves the same actors; another seed (here) other ones.
        let again = try ValidationCarver.carve(source, fraction: 0.1, groupBy: "actor", seed: 42)
        XCTAssertEqual(Array(again.valid.sampleIDs.joined()), Array(validIDs))
        let other = try ValidationCarver.carve(source, fraction: 0.1, groupBy: "actor", seed: 7)
        XCTAssertNotEqual(Set(other.valid.sampleIDs.joined().map { $0.prefix(4) }), validActors)

        // Clip by clip: 12 clips exactly.
        let clips = try ValidationCarver.carve(source, fraction: 0.1, groupBy: "none", seed: 1)
        XCTAssertEqual(clips.valid.sampleCount, 12)
        XCTAssertThrowsError(try ValidationCarver.carve(source, fraction: 0.1, groupBy: "group",
                                                        seed: 1)) {
            XCTAssertTrue("\($0)".contains("group column"), "\($0)")
        }
    }

    /// Without a valid split, --valid-from-train selects on the carved split and says so;
    /// without it, the summary says test chose the best epoch.
    func testTrainerSelectsOnTheCarvedSplitAndSaysSo() throws {
        let test = try SyntheticClips.source("test", count: 32, classes: 4, seed: 2)
        let data = try TrainingData(classes: ["a", "b", "c", "d"], configKey: "k",
                                    cacheFolder: "memory", train: try actorSource(),
                                    valid: nil, test: test)
        var options = TrainOptions(out: SyntheticClips.temporaryFolder("carve"))
        options.epochs = 1
        options.batchSize = 16
        options.width = 1.0 / 16
        options.threads = 1
        options.validFromTrain = 0.1
        let trainer = try Trainer(data: data, options: options)
        XCTAssertEqual(trainer.data.valid?.sampleCount, 20)
        XCTAssertEqual(trainer.data.train.sampleCount, 100)
        let summary = try trainer.run { _ in }
        XCTAssertEqual(summary.selectionSplit, "valid")
        XCTAssertTrue(summary.selectionNote.contains("carved from train"), summary.selectionNote)

        options.validFromTrain = nil
        options.out = SyntheticClips.temporaryFolder("no-carve")
        let plain = try Trainer(data: data, options: options).run { _ in }
        XCTAssertEqual(plain.selectionSplit, "test")
        XCTAssertTrue(plain.selectionNote.contains("the test split chose the best epoch"))
        let config = try String(contentsOfFile: options.out + "/config.json", encoding: .utf8)
        XCTAssertTrue(config.contains("the test split chose the best epoch"))
    }

    /// A shard with `image` [N, H, W, 3] and no `frames` reads as one-frame clips (the
    /// image's bytes), trains, and a `group` column carves by group.
    func testImageCacheTrainsAsOneFrameClips() throws {
        let folder = SyntheticClips.temporaryFolder("images")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let values = SyntheticClips.frameShape.reduce(1, *) * 3
        var entries: [String: [ShardEntry]] = [:]
        var images: [String: [UInt8]] = [:]
        for (split, count, seed) in [("train", 40, UInt64(1)), ("test", 16, UInt64(2))] {
            let clips = SyntheticClips.clips(count: count, classes: 4, seed: seed,
                                             prefix: split, frameSlots: 1)
            let image = clips.flatMap { Array($0.frames.prefix(values)) }
            for clip in clips { images[clip.id] = Array(clip.frames.prefix(values)) }
            let path = folder + "/\(split)-0.h5"
            try ShardWriter.write(to: path, ids: clips.map(\.id), columns: [
                ShardColumn(name: "label", shape: [count],
                            values: .int64(clips.map { Int64($0.label) })),
                ShardColumn(name: "audio", shape: [count] + SyntheticClips.audioShape,
                            values: .float32(clips.flatMap(\.audio))),
                ShardColumn(name: "image", shape: [count] + SyntheticClips.frameShape + [3],
                            values: .uint8(image)),
                ShardColumn(name: "group", shape: [count],
                            values: .int64((0..<count).map { Int64($0 % 5) })),
            ])
            entries[split] = [ShardEntry(file: "\(split)-0.h5", samples: count, sha256: "")]
        }
        try Manifest(dataset: "synthetic-images", config: .object([:]), configKey: "img",
                     toolVersion: "test", classes: ["a", "b", "c", "d"], splits: entries,
                     rejected: []).save(cacheFolder: folder)

        let data = try TrainingData(cacheFolder: folder)
        XCTAssertEqual(data.train.frameShape, SyntheticClips.frameShape)
        let clip = try data.train.clip(shard: 0, sample: 3)
        XCTAssertEqual(clip.frameCount, 1)
        XCTAssertEqual(clip.frames, images[clip.id])
        XCTAssertEqual(data.train.sampleGroups?.first?.prefix(6).map { $0 }, [0, 1, 2, 3, 4, 0])

        var options = TrainOptions(out: SyntheticClips.temporaryFolder("images-run"))
        options.epochs = 1
        options.batchSize = 8
        options.width = 1.0 / 16
        options.threads = 1
        options.validFromTrain = 0.2
        options.groupBy = "group"
        let trainer = try Trainer(cacheFolder: folder, options: options)
        // Groups 0…4 of 8 clips each: 20 % of 40 = 8 clips = one group.
        XCTAssertEqual(trainer.data.valid?.sampleCount, 8)
        let groups = Set(trainer.data.valid?.sampleGroups?.joined().map { $0 } ?? [])
        XCTAssertEqual(groups.count, 1)
        XCTAssertTrue(Set(trainer.data.train.sampleGroups?.joined().map { $0 } ?? [])
                          .isDisjoint(with: groups))
        let summary = try trainer.run { _ in }
        XCTAssertEqual(summary.selectionSplit, "valid")
    }
}
