import Foundation
import Models
import XCTest
@testable import Training

/// The baselines end to end on synthetic clips whose audio reveals the class and whose frames
/// do not (chance: 25 %).
final class MethodTests: XCTestCase {
    private func options(_ name: String, method: String, epochs: Int = 2) -> TrainOptions {
        var options = TrainOptions(out: SyntheticClips.temporaryFolder(name))
        options.method = method
        options.epochs = epochs
        options.batchSize = 16
        options.width = 1.0 / 16
        options.learningRate = 0.02
        options.threads = 1
        return options
    }

    private func train(_ options: TrainOptions) throws -> [EpochMetrics] {
        var epochs: [EpochMetrics] = []
        _ = try Trainer(data: try SyntheticClips.data(), options: options).run {
            print(options.method, $0.line)
            epochs.append($0)
        }
        return epochs
    }

    /// Unimodal audio learns (test accuracy ≥ 60 % after 2 epochs) and unimodal visual stays
    /// near chance (≤ 40 %); each logs only its own modality's accuracy (equal to the fused
    /// one) and no keep ratios.
    func testUnimodalTrainsOneEncoder() throws {
        var audio = options("uni-audio", method: "unimodal")
        audio.modality = "audio"
        let audioEpochs = try train(audio)
        let last = try XCTUnwrap(audioEpochs.last)
        XCTAssertGreaterThanOrEqual(last.testAcc, 60)
        XCTAssertEqual(last.testAccAudio, last.testAcc)
        XCTAssertNil(last.testAccVisual)
        XCTAssertNil(last.rhoAudio)

        var visual = options("uni-visual", method: "unimodal")
        visual.modality = "visual"
        let visualLast = try XCTUnwrap(try train(visual).last)
        XCTAssertLessThanOrEqual(visualLast.testAcc, 40)
        XCTAssertEqual(visualLast.testAccVisual, visualLast.testAcc)
        XCTAssertNil(visualLast.testAccAudio)

        let line = try String(contentsOfFile: audio.out + "/metrics.jsonl", encoding: .utf8)
            .split(separator: "\n")[0]
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8))
            as? [String: Any])
        XCTAssertNotNil(object["test_acc_audio"])
        XCTAssertNil(object["test_acc_visual"])
        XCTAssertNil(object["rho_audio"])
    }

    /// OGM and OGM-GE at α = 0.1 (the dominant modality keeps ≥ 1 − tanh(0.1·r) ≈ 0.9 of its
    /// gradient early on) learn the informative modality (≥ 50 % after 2 epochs), and repeat
    /// exactly with the same seed (the GE noise is seeded).
    func testOgmAndOgmGeLearnAndAreReproducible() throws {
        for method in ["ogm", "ogm-ge"] {
            var options = options("\(method)-a", method: method)
            options.alpha = 0.1
            var first = try train(options)
            options.out = SyntheticClips.temporaryFolder("\(method)-b")
            var second = try train(options)
            for index in first.indices {
                first[index].seconds = 0
                second[index].seconds = 0
            }
            XCTAssertEqual(first, second, method)
            let last = try XCTUnwrap(first.last)
            XCTAssertGreaterThanOrEqual(last.testAcc, 50, method)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(last.testAccAudio), 50, method)
        }
    }

    /// Modulation runs only inside its epochs; when audio dominates (its true-class softmax sum
    /// is larger) the audio coefficient is below 1 and the visual one is 1.
    func testModulationEpochsAndDominantModality() throws {
        var options = options("ogm-step", method: "ogm")
        options.modulationStarts = 2
        options.modulationEnds = 3
        let data = try SyntheticClips.data()
        let plan = try TrainPlan(options)
        let model = try plan.makeModel(modalities: data.train.modalities, options: options,
                                       classCount: 4)
        let step = TrainingStep(model: model, plan: plan, options: options, classCount: 4)
        let stream = ShardStream(source: data.train, configuration: .init(
            batchSize: 16, framesPerClip: 1, training: true, seed: 1))
        let epoch = stream.epoch(1)
        defer { epoch.close() }
        var batches: [ClipBatch] = []
        while let batch = try epoch.next() { batches.append(batch) }

        XCTAssertNil(try step.run(batches[0], epoch: 1).modulation)
        XCTAssertNil(try step.run(batches[1], epoch: 4).modulation)
        var audioDominant = false
        for batch in batches.dropFirst(2) {
            let coefficients = try XCTUnwrap(try step.run(batch, epoch: 2).modulation)
            XCTAssertTrue(coefficients.contains(1))
            XCTAssertTrue(coefficients.allSatisfy { $0 > 0 && $0 <= 1 })
            if coefficients[0] < 1 { audioDominant = true }
        }
        XCTAssertTrue(audioDominant, "audio must dominate at least once after training steps")
    }

    /// The timings of a step add up and every phase is measured.
    func testStepTimingsAddUp() throws {
        let options = options("timings", method: "amss")
        let plan = try TrainPlan(options)
        let data = try SyntheticClips.data()
        let model = try plan.makeModel(modalities: data.train.modalities, options: options,
                                       classCount: 4)
        let step = TrainingStep(model: model, plan: plan, options: options, classCount: 4)
        let stream = ShardStream(source: data.train, configuration: .init(
            batchSize: 16, framesPerClip: 1, training: true, seed: 1))
        let epoch = stream.epoch(1)
        defer { epoch.close() }
        let batch = try XCTUnwrap(try epoch.next())
        let result = try step.run(batch, epoch: 1)
        let t = result.timings
        XCTAssertEqual(t.total, t.forward + t.keepRatios + t.backward + t.masking
                       + t.modulation + t.update, accuracy: 1e-12)
        XCTAssertTrue(t.forward > 0 && t.backward > 0 && t.masking > 0 && t.keepRatios > 0)
        XCTAssertEqual(t.maskStep, t.keepRatios + t.masking, accuracy: 1e-15)
        XCTAssertEqual(result.keepRatios.count, 2)
    }

    /// The synthetic-batch benchmark on tiny inputs gives a mask-step fraction inside (0, 1).
    func testStepBenchmarkMeasuresTheMaskStep() throws {
        var options = options("bench", method: "amss")
        options.batchSize = 4
        var configuration = StepBenchmark.Configuration(options: options)
        configuration.audioShape = [32, 24]
        configuration.frameShape = [32, 32]
        configuration.steps = 2
        let measurement = try StepBenchmark(configuration).run()
        XCTAssertEqual(measurement.steps, 2)
        XCTAssertGreaterThan(measurement.maskFraction, 0)
        XCTAssertLessThan(measurement.maskFraction, 1)
        XCTAssertGreaterThanOrEqual(measurement.worstFraction, measurement.maskFraction * 0.5)
    }
}
