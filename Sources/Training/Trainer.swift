import Foundation
import Models
import Rebalance

/// Trains a clip classifier with one of the methods of `TrainingMethod` and records the run.
///
/// Every step is a `TrainingStep`: forward, keep ratios from the batch's uni-modal logits and
/// features, backward of the fused cross-entropy, gradient masking (AMSS, AMSS+) or modulation
/// (OGM, OGM-GE), SGD update. After every epoch the test split (and the validation split when
/// there is one) is evaluated, one line of metrics goes to the callback and to `metrics.jsonl`,
/// and the best epoch on the selection split is saved to `best.ckpt`. The selection split is the
/// validation split when one exists, except under `compat`, where it is the test split as in the
/// reference.
public final class Trainer {
    /// The run's options.
    public let options: TrainOptions
    /// The checked form of the options.
    public let plan: TrainPlan
    /// The splits and the cache identity.
    public let data: TrainingData
    /// The model being trained.
    public let model: any ClipClassifier

    /// Opens the cache folder and prepares a run.
    ///
    /// - Throws: `TrainingError` for a missing manifest, an empty split, mismatched shapes,
    ///   or invalid options.
    public convenience init(cacheFolder: String, options: TrainOptions) throws {
        try self.init(data: try TrainingData(cacheFolder: cacheFolder), options: options)
    }

    /// Prepares a run over already opened splits.
    ///
    /// - Throws: `TrainingError` for invalid options.
    public init(data: TrainingData, options: TrainOptions) throws {
        let plan = try TrainPlan(options)
        guard options.epochs >= 1, options.batchSize >= 1, options.width > 0,
              options.framesPerClip >= 1, options.threads >= 1, !options.out.isEmpty else {
            throw TrainingError(path: options.out, reason: "epochs, batch size, width, frames "
                                + "per clip and threads must be positive and the run folder "
                                + "named")
        }
        self.options = options
        self.plan = plan
        self.data = data
        model = plan.makeModel(classCount: data.classes.count, width: options.width,
                               seed: options.seed)
    }

    /// The split that chooses the best epoch: `valid` when there is one and not under compat.
    public var selectionSplit: String {
        data.valid == nil || plan.compat ? "test" : "valid"
    }

    /// Trains for `options.epochs` epochs, calling `onEpoch` after each.
    ///
    /// - Returns: the best epoch, its test accuracy and the split it was chosen on.
    /// - Throws: `TrainingError` when reading data or writing the run folder fails.
    public func run(onEpoch: (EpochMetrics) -> Void) throws -> TrainSummary {
        let folder = try RunFolder(path: options.out)
        try folder.writeConfiguration(configuration())
        BLAS.setThreads(options.threads)

        let step = TrainingStep(model: model, plan: plan, options: options,
                                classCount: data.classes.count)
        let trainStream = stream(data.train, training: true)

        var best: (epoch: Int, selection: Double, test: Double)?
        for epoch in 1...options.epochs {
            let started = Date()
            step.optimizer.learningRate = Float(options.learningRate(atEpoch: epoch))
            let totals = try trainEpoch(epoch, stream: trainStream, step: step)
            guard totals.loss.isFinite else {
                throw TrainingError(path: options.out, reason: "training diverged in epoch "
                                    + "\(epoch): the mean loss is \(totals.loss); check the cache "
                                    + "for non-finite values or lower --lr")
            }
            let test = try Evaluation.run(model: model, stream: stream(data.test,
                                                                       training: false))
            let valid = try data.valid.map {
                try Evaluation.run(model: model, stream: stream($0, training: false))
            }

            let ratios = totals.keepRatios
            let metrics = EpochMetrics(
                epoch: epoch, trainLoss: totals.loss, trainAcc: totals.accuracy,
                testAcc: test.accuracy, testAccAudio: test.audioAccuracy,
                testAccVisual: test.visualAccuracy, testF1: test.macroF1,
                testMAP: test.meanAveragePrecision, testAUC: test.auc, validAcc: valid?.accuracy,
                rhoAudio: ratios.count == 2 ? ratios[0] : nil,
                rhoVisual: ratios.count == 2 ? ratios[1] : nil,
                seconds: Date().timeIntervalSince(started))
            onEpoch(metrics)
            try folder.append(metrics)

            let selection = selectionSplit == "valid" ? valid?.accuracy ?? test.accuracy
                                                      : test.accuracy
            if best == nil || selection > (best?.selection ?? 0) {
                best = (epoch, selection, test.accuracy)
                try Checkpoint(model: model, epoch: epoch, selectionSplit: selectionSplit,
                               selectionAccuracy: selection, classes: data.classes,
                               configKey: data.configKey, options: options)
                    .write(to: folder.checkpointPath)
            }
        }

        let summary = TrainSummary(bestEpoch: best?.epoch ?? 0, bestTestAcc: best?.test ?? 0,
                                   bestSelectionAcc: best?.selection ?? 0,
                                   selectionSplit: selectionSplit, epochs: options.epochs,
                                   runFolder: folder.path, checkpoint: folder.checkpointPath)
        try folder.writeSummary(summary)
        return summary
    }

    // MARK: - Steps

    /// Loss, accuracy (percent) and mean keep ratios of one training epoch.
    private struct EpochTotals {
        var loss: Double
        var accuracy: Double
        var keepRatios: [Double]
    }

    private func trainEpoch(_ epoch: Int, stream: ShardStream,
                            step: TrainingStep) throws -> EpochTotals {
        let batches = stream.epoch(epoch)
        defer { batches.close() }
        var lossSum = 0.0, correct = 0, seen = 0, steps = 0
        var ratioSums: [Double] = []

        while let batch = try batches.next() {
            let result: TrainingStep.Result
            do {
                result = try step.run(batch, epoch: epoch)
            } catch let error as TrainingError {
                throw TrainingError(path: options.out, reason: "\(error.path) failed in epoch "
                                    + "\(epoch): \(error.reason)")
            }

            lossSum += result.loss * Double(result.count)
            correct += result.correct
            seen += result.count
            steps += 1
            if ratioSums.isEmpty {
                ratioSums = [Double](repeating: 0, count: result.keepRatios.count)
            }
            for (m, ratio) in result.keepRatios.enumerated() where m < ratioSums.count {
                ratioSums[m] += ratio
            }
        }

        guard seen > 0 else {
            throw TrainingError(path: data.train.location, reason: "epoch \(epoch) gave no "
                                + "training batch")
        }
        return EpochTotals(loss: lossSum / Double(seen),
                           accuracy: 100 * Double(correct) / Double(seen),
                           keepRatios: ratioSums.map { $0 / Double(steps) })
    }

    private func stream(_ source: ClipSource, training: Bool) -> ShardStream {
        ShardStream(source: source, configuration: ShardStream.Configuration(
            batchSize: options.batchSize, framesPerClip: options.framesPerClip,
            training: training, randomResizedCrop: options.randomResizedCrop,
            shuffleBuffer: options.shuffleBuffer,
            maxBatches: training ? options.maxBatchesPerEpoch : nil, seed: options.seed))
    }

    private func configuration() -> RunFolder.Configuration {
        var sizes = ["train": data.train.sampleCount, "test": data.test.sampleCount]
        if let valid = data.valid { sizes["valid"] = valid.sampleCount }
        return RunFolder.Configuration(options: options, cacheFolder: data.cacheFolder,
                                       configKey: data.configKey, classes: data.classes,
                                       splitSizes: sizes, selectionSplit: selectionSplit,
                                       referenceBehaviours: plan.compat
                                           ? TrainPlan.referenceBehaviours : [])
    }
}
