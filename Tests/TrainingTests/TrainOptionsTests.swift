import Foundation
import XCTest
@testable import Training

final class TrainOptionsTests: XCTestCase {
    /// The paper's defaults (METHOD.md section 7).
    func testDefaultsAreThePapers() {
        let options = TrainOptions(out: "runs/x")
        XCTAssertEqual(options.method, "amss")
        XCTAssertEqual(options.epochs, 80)
        XCTAssertEqual(options.batchSize, 64)
        XCTAssertEqual(options.seed, 42)
        XCTAssertEqual(options.learningRate, 0.01)
        XCTAssertEqual(options.momentum, 0.9)
        XCTAssertEqual(options.weightDecay, 1e-4)
        XCTAssertEqual(options.stepEpoch, 60)
        XCTAssertEqual(options.stepGamma, 0.1)
        XCTAssertEqual(options.temperature, 0.2)
        XCTAssertEqual(options.bias, 0)
        XCTAssertFalse(options.compat)
    }

    /// StepLR(60, 0.1): epochs 1–60 at 0.01, 61–80 at 0.001 (PyTorch steps after each epoch).
    func testStepSchedule() {
        let options = TrainOptions(out: "x")
        XCTAssertEqual(options.learningRate(atEpoch: 1), 0.01)
        XCTAssertEqual(options.learningRate(atEpoch: 60), 0.01)
        XCTAssertEqual(options.learningRate(atEpoch: 61), 0.001, accuracy: 1e-15)
        XCTAssertEqual(options.learningRate(atEpoch: 121), 0.0001, accuracy: 1e-15)

        // The other schedules, with epochs from 1 mapped to PyTorch's epochs from 0.
        var other = options
        other.scheduler = "multistep"
        other.milestones = [2, 5]
        for (epoch, rate) in zip([1, 2, 3, 5, 6, 7], [0.01, 0.01, 0.001, 0.001, 0.0001, 0.0001]) {
            XCTAssertEqual(other.learningRate(atEpoch: epoch), rate, accuracy: 1e-15)
        }
        other.scheduler = "cosine"
        other.epochs = 10
        XCTAssertEqual(other.learningRate(atEpoch: 1), 0.01, accuracy: 1e-15)
        XCTAssertEqual(other.learningRate(atEpoch: 6), 0.005, accuracy: 1e-15)
        other.scheduler = "constant"
        XCTAssertEqual(other.learningRate(atEpoch: 70), 0.01)
    }

    func testPartialJSONTakesDefaultsAndKeysAreSnakeCase() throws {
        let decoded = try JSONDecoder().decode(TrainOptions.self, from: Data(
            #"{"out": "r", "batch_size": 8, "method": "amss+"}"#.utf8))
        var expected = TrainOptions(out: "r")
        expected.batchSize = 8
        expected.method = "amss+"
        XCTAssertEqual(decoded, expected)

        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(expected))
        let keys = Set((encoded as? [String: Any] ?? [:]).keys)
        XCTAssertTrue(keys.isSuperset(of: ["batch_size", "learning_rate", "weight_decay",
                                           "step_epoch", "step_gamma", "frames_per_clip"]))
        let roundTrip = try JSONDecoder().decode(TrainOptions.self,
                                                 from: JSONEncoder().encode(expected))
        XCTAssertEqual(roundTrip, expected)
    }
}
