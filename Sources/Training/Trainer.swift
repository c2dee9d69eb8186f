import Foundation
import Models
import Rebalance

/// Trains the audio–visual model with joint training, AMSS or AMSS+ and records the run.
///
/// One step: forward both encoders and the fusion head; keep ratios from the batch's
/// uni-modal logits and features; backward the fused cross-entropy; mask the gradients unit by
/// unit (not for `joint`); SGD step. After every epoch the test split (and the validation split
/// when there is one) is evaluated, one line of metrics goes to the callback and to
/// `metrics.jsonl`, and the best epoch on the selection split is saved to `best.ckpt`.
public final class Trainer {
    /// The run's options.
    public let options: TrainOptions
    /// The splits and the cache identity.
    public let data: TrainingData
    /// The model being trained.
    public let model: AudioVisualModel

    /// Mixed into the seed of the unit samplers ("masker" in ASCII) so that their draws are
    /// not the model initialisation's.
    private static let maskerSeedSalt: UInt64 = 0x6D61_736B_6572

    private let method: RebalanceMethod
    private let importance: UnitImportance
    private let sampler: UnitSampler
    private let unbiased: UnbiasedDesign?

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
        func invalid(_ reason: String) -> TrainingError {
            TrainingError(path: options.out, reason: reason)
        }
        guard let method = RebalanceMethod(rawValue: options.method) else {
            throw invalid("unknown method \(options.method) (joint, amss, amss+)")
        }
        guard let importance = UnitImportance(rawValue: options.importance) else {
            throw invalid("unknown importance \(options.importance) (gn, gn_wn, sqrt_gn)")
        }
        guard let sampler = UnitSampler(rawValue: options.sampler) else {
            throw invalid("unknown sampler \(options.sampler) (adaptive, topk, random, "
                          + "bernoulli)")
        }
        var unbiased: UnbiasedDesign?
        if let name = options.unbiased {
            guard let design = UnbiasedDesign(rawValue: name) else {
                throw invalid("unknown unbiased design \(name) (poisson, systematic)")
            }
            unbiased = design
        }
        guard options.epochs >= 1, options.batchSize >= 1, options.width > 0,
              options.framesPerClip >= 1, options.threads >= 1, !options.out.isEmpty else {
            throw invalid("epochs, batch size, width, frames per clip and threads must be "
                          + "positive and the run folder named")
        }
        self.options = options
        self.data = data
        self.method = method
        self.importance = importance
        self.sampler = sampler
        self.unbiased = unbiased
        model = AudioVisualModel(classCount: data.classes.count, width: options.width,
                                 seed: options.seed)
    }

    /// Trains for `options.epochs` epochs, calling `onEpoch` after each.
    ///
    /// - Returns: the best epoch, its test accuracy and the split it was chosen on.
    /// - Throws: `TrainingError` when reading data or writing the run folder fails.
    public func run(onEpoch: (EpochMetrics) -> Void) throws -> TrainSummary {
        let folder = try RunFolder(path: options.out)
        try folder.writeConfiguration(configuration())
        BLAS.setThreads(options.threads)

        let optimizer = SGD(parameters: model.parameters, learningRate: Float(options.learningRate),
                            momentum: Float(options.momentum),
                            weightDecay: Float(options.weightDecay))
        let masker = MaskedSubnetworkOptimizer(
            method: method, importance: importance, sampler: sampler, compat: options.compat,
            unbiased: unbiased,
            generator: SeededGenerator(seed: options.seed ^ Self.maskerSeedSalt))
        let estimator = KeepRatioEstimator(temperature: options.temperature, bias: options.bias,
                                           compat: options.compat)
        let trainStream = stream(data.train, training: true)
        let selectionSplit = data.valid == nil ? "test" : "valid"

        var best: (epoch: Int, selection: Double, test: Double)?
        for epoch in 1...options.epochs {
            let started = Date()
            optimizer.learningRate = Float(options.learningRate(atEpoch: epoch))
            let step = try trainEpoch(epoch, stream: trainStream, optimizer: optimizer,
                                      masker: masker, estimator: estimator)
            let test = try Evaluation.run(model: model, stream: stream(data.test,
                                                                       training: false))
            let valid = try data.valid.map {
                try Evaluation.run(model: model, stream: stream($0, training: false))
            }

            let metrics = EpochMetrics(
                epoch: epoch, trainLoss: step.loss, trainAcc: step.accuracy,
                testAcc: test.accuracy, testAccAudio: test.audioAccuracy,
                testAccVisual: test.visualAccuracy, testF1: test.macroF1,
                testMAP: test.meanAveragePrecision, testAUC: test.auc, validAcc: valid?.accuracy,
                rhoAudio: step.keepRatios[0], rhoVisual: step.keepRatios[1],
                seconds: Date().timeIntervalSince(started))
            onEpoch(metrics)
            try folder.append(metrics)

            let selection = valid?.accuracy ?? test.accuracy
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

    private func trainEpoch(_ epoch: Int, stream: ShardStream, optimizer: SGD,
                            masker: MaskedSubnetworkOptimizer<SeededGenerator>,
                            estimator: KeepRatioEstimator) throws -> EpochTotals {
        let batches = stream.epoch(epoch)
        defer { batches.close() }
        let groups = model.maskableGroups
        var lossSum = 0.0, correct = 0, seen = 0, steps = 0
        var ratioSums = [0.0, 0.0]

        while let batch = try batches.next() {
            optimizer.zeroGrad()
            let output = model.forward(audio: batch.audio, frames: batch.frames,
                                       framesPerClip: options.framesPerClip, training: true)

            let ratios = estimator.estimate(
                logits: output.unimodal.map(\.data), features: output.features.map(\.data),
                featureCounts: output.features.map { $0.shape.last ?? 0 },
                labels: batch.labels, classCount: data.classes.count)

            let (loss, gradient) = CrossEntropy.forward(logits: output.logits,
                                                        labels: batch.labels)
            model.backward(gradLogits: gradient)

            do {
                try masker.apply(groups: groups, keepRatios: ratios.ratios)
            } catch {
                throw TrainingError(path: options.out, reason: "masking failed: \(error)")
            }
            optimizer.step()

            lossSum += Double(loss) * Double(batch.count)
            correct += Evaluation.correctCount(output.logits, labels: batch.labels)
            seen += batch.count
            steps += 1
            for m in 0..<2 { ratioSums[m] += ratios.ratios[m] }
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
                                       splitSizes: sizes)
    }
}
