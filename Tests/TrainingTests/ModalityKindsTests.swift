import Foundation
import Models
import XCTest
@testable import Training

/// Training on modalities other than audio and frames: three frame modalities (RGB, depth,
/// flow) with three keep ratios, and text with images, including an exact resume of a run
/// whose text encoder draws dropout masks.
final class ModalityKindsTests: XCTestCase {
    private struct Killed: Error {}

    private func options(_ name: String, method: String = "amss",
                         epochs: Int = 3) -> TrainOptions {
        var options = TrainOptions(out: SyntheticClips.temporaryFolder(name))
        options.method = method
        options.epochs = epochs
        options.batchSize = 16
        options.width = 1.0 / 16
        options.learningRate = 0.02
        options.threads = 1
        options.framesPerClip = 2
        return options
    }

    private func untimed(_ folder: String) throws -> [String] {
        try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n")
            .map { $0.replacingOccurrences(of: #""seconds":[^,}]*"#, with: "",
                                           options: .regularExpression) }
    }

    /// Four classes (chance 25 %), 96 gestures, 6 epochs of AMSS at width 1/16 with two frames
    /// per clip: the fused test accuracy reaches 50 % (RGB brightness gives the class), every
    /// modality has its accuracy and keep ratio, and each step's three ratios are the
    /// three-modality formula's: 2 in sum wherever none was clamped to [0.1, 0.9] nor fell
    /// back to 0.5 (METHOD.md §2). metrics.tsv names the columns rgb_acc, depth_acc, flow_acc.
    func testThreeFrameModalitiesTrainWithThreeKeepRatios() throws {
        let options = options("gestures", epochs: 6)
        var epochs: [EpochMetrics] = []
        _ = try Trainer(data: try SyntheticModalities.data(text: false), options: options)
            .run { epochs.append($0) }

        let last = try XCTUnwrap(epochs.last)
        XCTAssertEqual(last.modalities, ["rgb", "depth", "flow"])
        XCTAssertEqual(Set(last.testAccModality.keys), ["rgb", "depth", "flow"])
        XCTAssertGreaterThanOrEqual(last.testAcc, 50)
        var unclamped = 0
        for epoch in epochs {
            let steps = try ["rgb", "depth", "flow"].map { try XCTUnwrap(epoch.rhoSteps[$0]) }
            XCTAssertEqual(Set(steps.map(\.count)).count, 1)
            for index in steps[0].indices {
                let ratios = steps.map { $0[index] }
                if ratios.allSatisfy({ $0 == 0.5 }) { continue }
                guard ratios.allSatisfy({ $0 > 0.1 + 1e-9 && $0 < 0.9 - 1e-9 }) else { continue }
                unclamped += 1
                XCTAssertEqual(ratios.reduce(0, +), 2, accuracy: 1e-6, "\(ratios)")
            }
        }
        XCTAssertGreaterThan(unclamped, 0, "no step had three unclamped keep ratios")
        let header = try String(contentsOfFile: options.out + "/metrics.tsv", encoding: .utf8)
            .split(separator: "\n")[0]
        XCTAssertEqual(header.split(separator: "\t").map(String.init),
                       ["epoch", "train_loss", "train_acc", "test_loss", "rgb_acc", "depth_acc",
                        "flow_acc", "test_acc", "test_auc", "test_f1", "test_mAP", "Train_Time"])
    }

    /// Text and images, 96 pairs whose second token names the class: a small text encoder
    /// from scratch (2 layers, width 128) with AdamW learns it — the text accuracy reaches 80 %
    /// within 3 epochs (chance 25 %) — and the metrics are keyed text and visual.
    func testTextAndImagesTrainWithATextEncoder() throws {
        var options = options("captions", method: "amss")
        options.optimizer = "adamw"
        options.learningRate = 1e-3
        options.temperature = 0.5
        var epochs: [EpochMetrics] = []
        let trainer = try Trainer(data: try SyntheticModalities.data(text: true),
                                  options: options)
        XCTAssertTrue(trainer.model.encoders[0] is TextEncoder)
        _ = try trainer.run { epochs.append($0) }

        let last = try XCTUnwrap(epochs.last)
        XCTAssertEqual(last.modalities, ["text", "visual"])
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(last.testAccModality["text"]), 80)
        XCTAssertNotNil(last.rho["text"])
        XCTAssertNotNil(last.rho["visual"])
    }

    /// A text–image run stopped after epoch 1 and resumed gives the uninterrupted run's
    /// metrics exactly: the text encoder's dropout generators are restored from last.ckpt.
    func testTextRunResumesExactly() throws {
        let data = try SyntheticModalities.data(text: true, valid: 16)
        var whole = options("text-whole", epochs: 2)
        whole.maxBatchesPerEpoch = 3
        _ = try Trainer(data: data, options: whole).run { _ in }

        var cut = whole
        cut.out = SyntheticClips.temporaryFolder("text-cut")
        XCTAssertThrowsError(try Trainer(data: data, options: cut).run { metrics in
            if metrics.epoch == 1 { throw Killed() }
        })
        _ = try Trainer(data: data, options: cut).run(resume: true) { _ in }
        XCTAssertEqual(try untimed(whole.out), try untimed(cut.out))
        XCTAssertEqual(try untimed(whole.out).count, 2)
    }

    /// A gesture's RGB, depth and flow get the same frames, crop and flip: with depth equal to
    /// the red channel, the rendered depth equals the rendered red channel (after undoing each
    /// normalisation) within 1e-4; with a constant flow (1, 0.5) px, the rendered flow is
    /// (±zoom_x, 0.5·zoom_y) with the sign negative exactly where the red ramp (rising left
    /// to right) was mirrored.
    func testFrameModalitiesShareFramesCropsAndFlips() throws {
        let size = SyntheticModalities.size, slots = SyntheticModalities.slots
        let plane = size * size
        let clips = (0..<8).map { index -> ClipSample in
            var rgb = [UInt8](repeating: 0, count: slots * plane * 3)
            var depth = [UInt8](repeating: 0, count: slots * plane)
            for frame in 0..<slots {
                for y in 0..<size {
                    for x in 0..<size {
                        let red = UInt8(x * 15 + frame * 3)
                        rgb[((frame * size + y) * size + x) * 3] = red
                        rgb[((frame * size + y) * size + x) * 3 + 1] = UInt8(y * 7)
                        depth[(frame * size + y) * size + x] = red
                    }
                }
            }
            let flow = (0..<(slots * plane)).flatMap { _ in [Float(1), Float(0.5)] }
            return ClipSample(id: "g\(index)", label: index % 2, values: [
                .frames(rgb, count: slots), .frames(depth, count: slots),
                .flow(flow, count: slots),
            ])
        }
        let source = try InMemoryClipSource(location: "aligned", clips: clips,
                                            modalities: SyntheticModalities.gestureModalities,
                                            shardSize: 8)
        let stream = ShardStream(source: source, configuration: .init(
            batchSize: 8, framesPerClip: 2, training: true, seed: 5))
        let epoch = stream.epoch(1)
        defer { epoch.close() }
        let batch = try XCTUnwrap(try epoch.next())
        guard case .frames(let rgb, 2) = batch.inputs[0], case .frames(let depth, 2) =
                batch.inputs[1], case .frames(let flow, 2) = batch.inputs[2] else {
            return XCTFail("expected three frame inputs of two frames per clip")
        }
        XCTAssertEqual(rgb.shape, [16, 3, size, size])
        XCTAssertEqual(depth.shape, [16, 1, size, size])
        XCTAssertEqual(flow.shape, [16, 2, size, size])

        var flips = 0
        for picture in 0..<16 {
            var worst: Float = 0
            for index in 0..<plane {
                let red = rgb.data[picture * 3 * plane + index] * 0.229 + 0.485
                let deep = depth.data[picture * plane + index] * 0.5 + 0.5
                worst = max(worst, abs(red - deep))
            }
            XCTAssertLessThanOrEqual(worst, 1e-4, "picture \(picture)")

            let rowStart = picture * 3 * plane + (size / 2) * size
            let mirrored = rgb.data[rowStart] > rgb.data[rowStart + size - 1]
            let u = flow.data[picture * 2 * plane], v = flow.data[picture * 2 * plane + plane]
            XCTAssertEqual(u < 0, mirrored, "picture \(picture)")
            XCTAssertGreaterThanOrEqual(abs(u), 1 - 1e-6)
            XCTAssertGreaterThanOrEqual(v, 0.5 - 1e-6)
            for index in 0..<plane {
                XCTAssertEqual(flow.data[picture * 2 * plane + index], u, accuracy: 1e-5)
            }
            if mirrored { flips += 1 }
        }
        XCTAssertTrue((1...15).contains(flips), "flips \(flips) of 16")
    }

    /// NaN scores end the ranking metrics (NaN never equals itself, so a tie loop must still
    /// advance), and a diverged model stops the run with an error instead of hanging.
    func testNonFiniteScoresEndAndDivergenceIsAnError() throws {
        let scores = [Double.nan, 0.5, .nan, 0.2]
        let positives = [true, false, true, false]
        XCTAssertNotNil(ClassificationMetrics.averagePrecision(scores: scores,
                                                               positives: positives))
        XCTAssertNotNil(ClassificationMetrics.rocAUC(scores: scores, positives: positives))

        var options = options("diverged", epochs: 1)
        options.learningRate = 1e30
        XCTAssertThrowsError(try Trainer(data: try SyntheticModalities.data(text: true),
                                         options: options).run { _ in }) {
            XCTAssertTrue("\($0)".contains("non-finite") || "\($0)".contains("diverged"),
                          "\($0)")
        }
    }

    /// AMSS needs two modalities: a one-modality split is refused before training, naming
    /// the way out; joint training on it runs.
    func testMaskingMethodsNeedTwoModalities() throws {
        let clips = SyntheticClips.clips(count: 48, classes: 4, seed: 1, prefix: "a")
            .map { ClipSample(id: $0.id, label: $0.label, values: [.spectrogram($0.audio)]) }
        let source = try InMemoryClipSource(location: "audio-only", clips: clips,
                                            modalities: [.audio(SyntheticClips.audioShape)],
                                            shardSize: 16)
        let data = try TrainingData(classes: ["a", "b", "c", "d"], configKey: "one",
                                    cacheFolder: "memory", train: source, valid: nil,
                                    test: source)
        for method in ["amss", "amss+"] {
            XCTAssertThrowsError(try Trainer(data: data, options: options("one-\(method)",
                                                                          method: method))) {
                XCTAssertTrue("\($0)".contains("use --method unimodal or joint"), "\($0)")
            }
        }
        let summary = try Trainer(data: data, options: options("one-joint", method: "joint",
                                                               epochs: 1)).run { _ in }
        XCTAssertEqual(summary.epochs, 1)
    }
}
