import Tensor
import XCTest
@testable import Training

/// Batching, ordering, frame picking and normalisation of `ShardStream`.
final class ShardStreamTests: XCTestCase {
    private func collect(_ stream: ShardStream, epoch: Int = 1) throws -> [ClipBatch] {
        let batches = stream.epoch(epoch)
        defer { batches.close() }
        var result: [ClipBatch] = []
        while let batch = try batches.next() { result.append(batch) }
        return result
    }

    /// Evaluation: stored order, batch sizes 16, 16, 8, shapes [B,1,F,T] and [B·n,3,H,W], the
    /// spectrograms copied unchanged.
    func testEvaluationBatchesKeepStoredOrderAndShapes() throws {
        let clips = SyntheticClips.clips(count: 40, classes: 4, seed: 5, prefix: "e")
        let source = try InMemoryClipSource(location: "e", clips: clips,
                                            audioShape: SyntheticClips.audioShape,
                                            frameShape: SyntheticClips.frameShape,
                                            shardSize: 12)
        let stream = ShardStream(source: source, configuration: .init(
            batchSize: 16, framesPerClip: 2, training: false))
        XCTAssertEqual(stream.batchCount, 3)
        let batches = try collect(stream)
        XCTAssertEqual(batches.map(\.count), [16, 16, 8])
        XCTAssertEqual(batches.flatMap(\.ids), clips.map(\.id))
        XCTAssertEqual(batches[0].audio.shape, [16, 1, 16, 16])
        XCTAssertEqual(batches[0].frames.shape, [32, 3, 16, 16])
        XCTAssertEqual(Array(batches[1].audio.data[0..<256]), clips[16].audio)
        XCTAssertEqual(batches.flatMap(\.labels), clips.map(\.label))
    }

    /// Training: every clip exactly once per epoch even with a buffer smaller than the split,
    /// an order that changes between epochs and repeats for the same seed and epoch.
    func testTrainingShufflesEveryClipOnce() throws {
        let source = try SyntheticClips.source("t", count: 50, classes: 5, seed: 6,
                                               shardSize: 7)
        let configuration = ShardStream.Configuration(batchSize: 8, framesPerClip: 1,
                                                      training: true, shuffleBuffer: 10,
                                                      seed: 11)
        let stream = ShardStream(source: source, configuration: configuration)
        let first = try collect(stream, epoch: 1).flatMap(\.ids)
        let again = try collect(ShardStream(source: source, configuration: configuration),
                                epoch: 1).flatMap(\.ids)
        let second = try collect(stream, epoch: 2).flatMap(\.ids)
        XCTAssertEqual(first.count, 50)
        XCTAssertEqual(Set(first).count, 50)
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, second)
        XCTAssertNotEqual(first, (0..<50).map { "t-\($0)" })
    }

    /// A single clip left over while training is dropped; `maxBatches` stops the epoch early.
    func testTrainingRemainderAndBatchLimit() throws {
        let source = try SyntheticClips.source("r", count: 17, classes: 4, seed: 7)
        var configuration = ShardStream.Configuration(batchSize: 8, framesPerClip: 1,
                                                      training: true, seed: 1)
        XCTAssertEqual(try collect(ShardStream(source: source, configuration: configuration))
                        .map(\.count), [8, 8])
        XCTAssertEqual(ShardStream(source: source, configuration: configuration).batchCount, 2)
        configuration.maxBatches = 1
        let limited = ShardStream(source: source, configuration: configuration)
        XCTAssertEqual(try collect(limited).map(\.count), [8])
        XCTAssertEqual(limited.batchCount, 1)
    }

    /// Hand calculation of the normalisation: a constant frame of byte v gives
    /// (v/255 − mean_c)/std_c on channel c everywhere (evaluation: no crop, no flip).
    func testEvaluationFramesAreNormalised() throws {
        let value: UInt8 = 200
        let frameValues = 16 * 16 * 3
        let clip = ClipSample(id: "c", label: 0, audio: [Float](repeating: 0, count: 256),
                              frames: [UInt8](repeating: value, count: frameValues),
                              frameCount: 1)
        let source = try InMemoryClipSource(location: "n", clips: [clip, clip],
                                            audioShape: [16, 16], frameShape: [16, 16],
                                            shardSize: 2)
        let batch = try XCTUnwrap(try collect(ShardStream(source: source, configuration: .init(
            batchSize: 2, framesPerClip: 1, training: false))).first)
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        for c in 0..<3 {
            let expected = (Float(value) / 255 - mean[c]) / std[c]
            for index in (c * 256)..<((c + 1) * 256) {
                XCTAssertEqual(batch.frames.data[index], expected, accuracy: 1e-5)
            }
        }
    }

    func testFrameIndices() {
        XCTAssertEqual(FrameTransform.evaluationFrameIndices(count: 3, picks: 1), [1])
        XCTAssertEqual(FrameTransform.evaluationFrameIndices(count: 4, picks: 2), [1, 3])
        XCTAssertEqual(FrameTransform.evaluationFrameIndices(count: 10, picks: 3), [1, 5, 8])
        XCTAssertEqual(FrameTransform.evaluationFrameIndices(count: 1, picks: 3), [0, 0, 0])
        var generator = SeededGenerator(seed: 3)
        var seen = Set<Int>()
        for _ in 0..<400 {
            let picks = FrameTransform.trainingFrameIndices(count: 9, picks: 3,
                                                            using: &generator)
            XCTAssertTrue((0..<3).contains(picks[0]))
            XCTAssertTrue((3..<6).contains(picks[1]))
            XCTAssertTrue((6..<9).contains(picks[2]))
            seen.formUnion(picks)
        }
        XCTAssertEqual(seen, Set(0..<9), "every frame can be drawn")
    }

    /// Windows: consecutive frames; centred at evaluation (⌊(count − picks)/2⌋); every start
    /// 0…count − picks drawn while training, and none beyond; short clips repeat their last.
    func testWindowFrameIndices() {
        var generator = SeededGenerator(seed: 4)
        XCTAssertEqual(FrameTransform.windowFrameIndices(count: 10, picks: 4, training: false,
                                                         using: &generator), [3, 4, 5, 6])
        XCTAssertEqual(FrameTransform.windowFrameIndices(count: 2, picks: 4, training: true,
                                                         using: &generator), [0, 1, 1, 1])
        var starts = Set<Int>()
        for _ in 0..<400 {
            let picks = FrameTransform.windowFrameIndices(count: 9, picks: 4, training: true,
                                                          using: &generator)
            XCTAssertEqual(picks, Array(picks[0]..<(picks[0] + 4)))
            starts.insert(picks[0])
        }
        XCTAssertEqual(starts, Set(0...5))
    }

    /// Flip mirrors columns; a crop of the top-left 2×2 pixels of a 4×4 ramp resized to 4×4
    /// gives the hand-computed bilinear values (source positions −0.25→0, 0.25, 0.75, 1.25→1).
    func testRenderFlipAndBilinearCrop() {
        let height = 4, width = 4
        var frame = [UInt8](repeating: 0, count: height * width * 3)
        for y in 0..<height {
            for x in 0..<width { frame[(y * width + x) * 3] = UInt8(10 * x + 50 * y) }
        }
        func render(crop: FrameTransform.CropBox?, flip: Bool) -> [Float] {
            var output = [Float](repeating: 0, count: 3 * height * width)
            frame.withUnsafeBufferPointer { bytes in
                output.withUnsafeMutableBufferPointer { out in
                    FrameTransform.render(frame: bytes, height: height, width: width,
                                          crop: crop, flip: flip, into: out.baseAddress!)
                }
            }
            // Undo the normalisation of the red channel to get back grey levels.
            return (0..<16).map { (output[$0] * 0.229 + 0.485) * 255 }
        }
        let plain = render(crop: nil, flip: false)
        let flipped = render(crop: nil, flip: true)
        for y in 0..<height {
            for x in 0..<width {
                XCTAssertEqual(plain[y * width + x], Float(10 * x + 50 * y), accuracy: 1e-3)
                XCTAssertEqual(flipped[y * width + x], plain[y * width + width - 1 - x],
                               accuracy: 1e-3)
            }
        }
        let whole = FrameTransform.CropBox(top: 0, left: 0, height: 4, width: 4)
        XCTAssertEqual(render(crop: whole, flip: false), plain)

        let cropped = render(crop: .init(top: 0, left: 0, height: 2, width: 2), flip: false)
        let taps: [Float] = [0, 0.25, 0.75, 1]
        for y in 0..<height {
            for x in 0..<width {
                XCTAssertEqual(cropped[y * width + x], 10 * taps[x] + 50 * taps[y],
                               accuracy: 1e-3)
            }
        }
    }

    /// RandomResizedCrop boxes stay inside the frame with area 8–100 % and aspect 3/4–4/3
    /// (up to rounding of the sides).
    func testRandomCropBoxes() {
        var generator = SeededGenerator(seed: 8)
        for _ in 0..<2000 {
            let box = FrameTransform.randomCropBox(height: 224, width: 224, using: &generator)
            XCTAssertGreaterThanOrEqual(box.top, 0)
            XCTAssertGreaterThanOrEqual(box.left, 0)
            XCTAssertLessThanOrEqual(box.top + box.height, 224)
            XCTAssertLessThanOrEqual(box.left + box.width, 224)
            let area = Double(box.height * box.width) / (224 * 224)
            XCTAssertTrue((0.075...1).contains(area), "area \(area)")
            let aspect = Double(box.width) / Double(box.height)
            XCTAssertTrue((0.74...1.36).contains(aspect), "aspect \(aspect)")
        }
    }

    /// A read error on the prefetch thread reaches the loop as a thrown error.
    func testReadErrorsReachTheConsumer() throws {
        final class Failing: ClipSource {
            let location = "failing"
            let shardSizes = [6]
            let modalities: [ModalitySpec] = [.audio([16, 16]),
                                              .visual(slots: 3, frame: [16, 16])]
            let sampleIDs = [(0..<6).map { "f-\($0)" }]
            func clip(shard: Int, sample: Int) throws -> ClipSample {
                if sample == 4 { throw TrainingError(path: "failing/4", reason: "unreadable") }
                return SyntheticClips.clips(count: 1, classes: 2, seed: 1, prefix: "f")[0]
            }
        }
        let stream = ShardStream(source: Failing(), configuration: .init(
            batchSize: 2, framesPerClip: 1, training: false))
        let batches = stream.epoch(1)
        XCTAssertNotNil(try batches.next())
        XCTAssertNotNil(try batches.next())
        XCTAssertThrowsError(try batches.next()) { error in
            XCTAssertEqual((error as? TrainingError)?.path, "failing/4")
        }
        batches.close()
    }
}
