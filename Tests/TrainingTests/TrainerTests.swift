import Foundation
import Models
import XCTest
@testable import Training

/// End-to-end training on synthetic clips whose audio is informative and whose frames are not.
final class TrainerTests: XCTestCase {
    private func options(_ name: String, method: String = "amss", epochs: Int = 3)
        -> TrainOptions {
        var options = TrainOptions(out: SyntheticClips.temporaryFolder(name))
        options.method = method
        options.epochs = epochs
        options.batchSize = 16
        options.width = 1.0 / 16
        options.learningRate = 0.02
        options.threads = 1
        return options
    }

    private func train(_ options: TrainOptions, valid: Int? = nil) throws
        -> ([EpochMetrics], TrainSummary, Trainer) {
        let trainer = try Trainer(data: try SyntheticClips.data(valid: valid), options: options)
        var epochs: [EpochMetrics] = []
        let summary = try trainer.run { metrics in
            print(metrics.line)
            epochs.append(metrics)
        }
        return (epochs, summary, trainer)
    }

    /// Four classes (chance 25 %), 192 training clips, 3 epochs at width 1/16. Thresholds:
    /// the last epoch's loss at most half the first's; test accuracy at least 60 %; the visual
    /// uni-modal accuracy (frames carry no class information) at most 40 %; and under AMSS the
    /// audio keep ratio at least 0.1 below the visual one, averaged over the epochs; macro-F1
    /// at least 55, mAP at least 60 and AUC at least 80 (chance: about 25, 25 and 50).
    func testAmssLearnsTheInformativeModalityAndKeepsLessOfIt() throws {
        let (epochs, summary, _) = try train(options("amss"))
        XCTAssertEqual(epochs.map(\.epoch), [1, 2, 3])
        let first = try XCTUnwrap(epochs.first), last = try XCTUnwrap(epochs.last)
        XCTAssertLessThanOrEqual(last.trainLoss, 0.5 * first.trainLoss)
        XCTAssertGreaterThanOrEqual(last.testAcc, 60)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(last.testAccAudio), 60)
        XCTAssertLessThanOrEqual(try XCTUnwrap(last.testAccVisual), 40)
        print("last epoch: F1 \(last.testF1), mAP \(last.testMAP), AUC \(last.testAUC)")
        XCTAssertGreaterThanOrEqual(last.testF1, 55)
        XCTAssertGreaterThanOrEqual(last.testMAP, 60)
        XCTAssertGreaterThanOrEqual(last.testAUC, 80)
        let rhoAudio = try epochs.map { try XCTUnwrap($0.rhoAudio) }.reduce(0, +) / 3
        let rhoVisual = try epochs.map { try XCTUnwrap($0.rhoVisual) }.reduce(0, +) / 3
        XCTAssertLessThanOrEqual(rhoAudio, rhoVisual - 0.1)
        for epoch in epochs {
            XCTAssertTrue((0.1...0.9).contains(try XCTUnwrap(epoch.rhoAudio)))
            XCTAssertTrue((0.1...0.9).contains(try XCTUnwrap(epoch.rhoVisual)))
        }
        XCTAssertEqual(summary.selectionSplit, "test")
        XCTAssertEqual(summary.bestTestAcc, epochs.map(\.testAcc).max())
    }

    /// Same seed, same data → identical metrics (everything but the wall-clock seconds).
    func testSameSeedGivesIdenticalMetrics() throws {
        for method in ["amss", "amss+"] {
            var a = try train(options("det-a", method: method, epochs: 2)).0
            var b = try train(options("det-b", method: method, epochs: 2)).0
            for index in a.indices {
                a[index].seconds = 0
                b[index].seconds = 0
            }
            XCTAssertEqual(a, b, method)
            var other = options("det-c", method: method, epochs: 2)
            other.seed = 43
            var c = try train(other).0
            for index in c.indices { c[index].seconds = 0 }
            XCTAssertNotEqual(a, c, "a different seed must change the run (\(method))")
        }
    }

    /// metrics.jsonl holds one JSON object per epoch with exactly the documented keys
    /// (valid_acc only with a validation split); config.json and summary.json are written and
    /// the best epoch is chosen on the validation split.
    func testRunFolderFiles() throws {
        let options = options("files", epochs: 2)
        let (epochs, summary, _) = try train(options, valid: 32)
        let folder = options.out
        let text = try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let keys: Set = ["epoch", "lr", "train_loss", "train_acc", "test_loss", "test_acc",
                         "test_acc_audio", "test_acc_visual", "test_f1", "test_map", "test_auc",
                         "test_confusion", "test_absent_classes", "valid_acc", "rho_audio",
                         "rho_visual", "rho_audio_steps", "rho_visual_steps", "seconds",
                         "modalities"]
        for (index, line) in lines.enumerated() {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(
                with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(Set(object.keys), keys)
            XCTAssertEqual(object["epoch"] as? Int, index + 1)
            // The confusion matrix counts every test clip once; the per-step keep ratios
            // average to the epoch's mean.
            let confusion = try XCTUnwrap(object["test_confusion"] as? [[Int]])
            XCTAssertEqual(confusion.count, 4)
            XCTAssertEqual(confusion.joined().reduce(0, +), 64)
            let diagonal = (0..<4).map { confusion[$0][$0] }.reduce(0, +)
            XCTAssertEqual(Double(diagonal) * 100 / 64, epochs[index].testAcc, accuracy: 1e-9)
            let steps = try XCTUnwrap(object["rho_audio_steps"] as? [Double])
            XCTAssertEqual(steps.count, 192 / 16)
            XCTAssertEqual(steps.reduce(0, +) / Double(steps.count),
                           try XCTUnwrap(epochs[index].rhoAudio), accuracy: 1e-12)
        }

        // metrics.tsv: the reference's header, epochs from 0, the same numbers.
        let table = try String(contentsOfFile: folder + "/metrics.tsv", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(table.first, ["epoch", "train_loss", "train_acc", "test_loss", "a_acc",
                                     "v_acc", "test_acc", "test_auc", "test_f1", "test_mAP",
                                     "Train_Time"])
        XCTAssertEqual(table.count, 3)
        for (index, row) in table.dropFirst().enumerated() {
            let record = epochs[index]
            XCTAssertEqual(row[0], "\(index)")
            let expected = [record.trainLoss, record.trainAcc, record.testLoss,
                            record.testAccAudio ?? .nan, record.testAccVisual ?? .nan,
                            record.testAcc, record.testAUC, record.testF1, record.testMAP]
            XCTAssertEqual(row.dropFirst().prefix(9).compactMap(Double.init), expected)
        }

        XCTAssertEqual(summary.selectionSplit, "valid")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/last.ckpt"))
        let bestValid = try XCTUnwrap(epochs.compactMap(\.validAcc).max())
        XCTAssertEqual(summary.bestSelectionAcc, bestValid)
        let bestEpoch = try XCTUnwrap(epochs.first { $0.validAcc == bestValid })
        XCTAssertEqual(summary.bestEpoch, bestEpoch.epoch)
        XCTAssertEqual(summary.bestTestAcc, bestEpoch.testAcc)

        let config = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: folder + "/config.json")))
            as? [String: Any])
        XCTAssertEqual(config["config_key"] as? String, "synthetic")
        XCTAssertEqual(config["cache_folder"] as? String, "memory")
        let saved = try XCTUnwrap(config["options"] as? [String: Any])
        XCTAssertEqual(saved["batch_size"] as? Int, 16)
        XCTAssertEqual(saved["method"] as? String, "amss")
        let written = try JSONDecoder().decode(TrainSummary.self, from: Data(
            contentsOf: URL(fileURLWithPath: folder + "/summary.json")))
        XCTAssertEqual(written, summary)
    }

    /// metrics.jsonl without a validation split has no valid_acc key.
    func testNoValidationSplitOmitsValidAccuracy() throws {
        let options = options("novalid", method: "joint", epochs: 1)
        _ = try train(options)
        let line = try String(contentsOfFile: options.out + "/metrics.jsonl", encoding: .utf8)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(line.utf8)) as? [String: Any])
        XCTAssertNil(object["valid_acc"])
        XCTAssertNotNil(object["rho_audio"], "keep ratios are logged for joint training too")
    }

    /// best.ckpt restores the best epoch: a fresh model (another seed) loaded from it gives the
    /// summary's test accuracy exactly.
    func testCheckpointRestoresTheBestEpoch() throws {
        let options = options("ckpt", epochs: 2)
        let (_, summary, trainer) = try train(options)
        let checkpoint = try Checkpoint.read(from: summary.checkpoint)
        XCTAssertEqual(checkpoint.header.epoch, summary.bestEpoch)
        let fresh = AudioVisualModel(classCount: 4, width: 1.0 / 16, seed: 999)
        try checkpoint.load(into: fresh, path: summary.checkpoint)
        let stream = ShardStream(source: trainer.data.test, configuration: .init(
            batchSize: 16, framesPerClip: 1, training: false))
        let evaluation = try Evaluation.run(model: fresh, stream: stream)
        XCTAssertEqual(evaluation.accuracy, summary.bestTestAcc)
    }

    func testInvalidOptionsAreTypedErrors() throws {
        var bad = options("bad")
        bad.method = "amss++"
        XCTAssertThrowsError(try Trainer(data: try SyntheticClips.data(), options: bad)) {
            XCTAssertTrue("\($0)".contains("amss++"))
        }
        bad = options("bad")
        bad.sampler = "greedy"
        XCTAssertThrowsError(try Trainer(data: try SyntheticClips.data(), options: bad))
        bad = options("bad")
        bad.unbiased = "exact"
        XCTAssertThrowsError(try Trainer(data: try SyntheticClips.data(), options: bad))
        bad = options("bad")
        bad.batchSize = 0
        XCTAssertThrowsError(try Trainer(data: try SyntheticClips.data(), options: bad))
    }
}
