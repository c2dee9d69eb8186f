import Cache
import Foundation
import Models
import Rebalance

/// Trains a clip classifier with one of the methods of `TrainingMethod` and records the run.
///
/// Every step is a `TrainingStep`: forward, keep ratios from the batch's uni-modal logits and
/// features, backward of the fused cross-entropy, gradient masking (AMSS, AMSS+) or modulation
/// (OGM, OGM-GE), SGD update. After every epoch the test split (and the validation split when
/// there is one) is evaluated, one line of metrics goes to `metrics.jsonl` and `metrics.tsv`
/// and to the callback, the best epoch on the selection split is saved to `best.ckpt` and the
/// whole training state to `last.ckpt`, from which `run(resume: true)` continues. The
/// selection split is the validation split when one exists (the cache's, or one carved from
/// train by `--valid-from-train`), except under `compat`, where it is the test split as in the
/// reference.
public final class Trainer {
    /// The run's options.
    public let options: TrainOptions
    /// The checked form of the options.
    public let plan: TrainPlan
    /// The splits and the cache identity.
    public let data: TrainingData
    /// The model being trained.
    public let model: MultimodalModel

    /// Opens the cache folder and prepares a run.
    ///
    /// - Throws: `TrainingError` for a missing manifest, an empty split, mismatched shapes,
    ///   or invalid options.
    public convenience init(cacheFolder: String, options: TrainOptions) throws {
        try self.init(data: try TrainingData(cacheFolder: cacheFolder, only: options.modalities),
                      options: options)
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
        var data = data
        try data.carveValidation(options)
        self.options = options
        self.plan = plan
        self.data = data
        model = try plan.makeModel(modalities: data.modalities, options: options,
                                   classCount: data.classes.count)
        if plan.maskingMethod != nil && model.encoders.count < 2 {
            throw TrainingError(path: options.out, reason: "\(options.method) rebalances two or "
                                + "more modalities; this run has only "
                                + data.modalities.map(\.name).joined(separator: ", ")
                                + " (use --method unimodal or joint)")
        }
        if let reference = plan.imageText(modalities: data.modalities, options: options),
           reference.weightBias < 0 {
            throw TrainingError(path: options.out, reason: "the AMSS+ weight bias b of "
                                + "1/(q + 1/N + b) (--bias under compat on image + text) must "
                                + "be at least 0, got \(reference.weightBias): a negative b "
                                + "makes weights negative or infinite")
        }
        if plan.modulation != nil && model.encoders.count != 2 {
            throw TrainingError(path: options.out, reason: "\(options.method) modulates two "
                                + "modalities; the cache holds "
                                + data.modalities.map(\.name).joined(separator: ", ")
                                + " (choose two with --modalities)")
        }
    }

    /// The split that chooses the best epoch: `valid` when there is one and not under compat.
    public var selectionSplit: String {
        data.valid == nil || plan.compat ? "test" : "valid"
    }

    /// How the selection split came about, in words.
    public var selectionNote: String {
        if selectionSplit == "valid" {
            return data.validNote ?? "best epoch chosen on the cache's valid split"
        }
        if data.valid != nil {
            return "best epoch chosen on the test split (--compat reference), although a "
                + "valid split exists"
        }
        return "no valid split: the test split chose the best epoch, as the reference does "
            + "(its test accuracy is optimistic; --valid-from-train carves one)"
    }

    /// Trains for `options.epochs` epochs, calling `onEpoch` after each epoch's files are
    /// written (an error it throws stops the run there, as a kill would).
    ///
    /// - Parameters:
    ///   - resume: continue the run in `options.out` from its `last.ckpt` instead of starting
    ///     one; the epochs after the checkpoint's are trained again and give the metrics an
    ///     uninterrupted run gives.
    ///   - environment: the tool and library versions for `config.json`.
    /// - Returns: the best epoch, its test accuracy and the split it was chosen on.
    /// - Throws: `TrainingError` when reading data or writing the run folder fails, or when
    ///   resuming a run of other options or without `last.ckpt`.
    public func run(resume: Bool = false, environment: RunEnvironment? = nil,
                    onEpoch: (EpochMetrics) throws -> Void) throws -> TrainSummary {
        let folder = try RunFolder(path: options.out, resuming: resume,
                                   modalities: data.modalities.map(\.name))
        let lock: CacheLock
        do { lock = try CacheLock(folder: folder.path) } catch {
            throw TrainingError(path: folder.path, reason: "another amss process is training "
                                + "in this run folder; wait for it to finish (\(error))")
        }
        defer { withExtendedLifetime(lock) {} }
        BLAS.setThreads(options.threads)
        let step = TrainingStep(model: model, plan: plan, options: options,
                                classCount: data.classes.count, modalities: data.modalities)
        var best = Best(epoch: 0, selection: 0, test: 0)
        var history: [EpochMetrics] = []
        if resume {
            (best, history) = try restore(step: step, folder: folder)
        } else {
            try folder.writeConfiguration(configuration(environment))
        }

        let trainStream = stream(data.train, training: true)
        for epoch in stride(from: history.count + 1, through: options.epochs, by: 1) {
            let started = Date()
            let rate = options.learningRate(atEpoch: epoch)
            step.optimizer.learningRate = Float(rate)
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
            let metrics = EpochMetrics(
                epoch: epoch, learningRate: rate, trainLoss: totals.loss,
                trainAcc: totals.accuracy, test: test, classes: data.classes, valid: valid,
                modalities: data.modalities.map(\.name),
                keepRatioSteps: totals.keepRatioSteps,
                seconds: Date().timeIntervalSince(started))
            try folder.append(metrics)
            history.append(metrics)

            let selection = selectionSplit == "valid" ? valid?.accuracy ?? test.accuracy
                                                      : test.accuracy
            if best.epoch == 0 || selection > best.selection {
                best = Best(epoch: epoch, selection: selection, test: test.accuracy)
                try checkpoint(epoch: epoch, selection: selection).write(to: folder.checkpointPath)
            }
            try checkpoint(epoch: epoch, selection: selection, step: step, best: best)
                .write(to: folder.lastCheckpointPath)
            try onEpoch(metrics)
        }

        let summary = TrainSummary(bestEpoch: best.epoch, bestTestAcc: best.test,
                                   bestSelectionAcc: best.selection,
                                   selectionSplit: selectionSplit, selectionNote: selectionNote,
                                   testAbsentClasses: history.last?.testAbsentClasses ?? [],
                                   epochs: options.epochs, runFolder: folder.path,
                                   checkpoint: folder.checkpointPath)
        try folder.writeSummary(summary)
        return summary
    }

    // MARK: - Checkpoints

    /// The best epoch so far (epoch 0: none yet).
    private struct Best {
        var epoch: Int
        var selection: Double
        var test: Double
    }

    /// A checkpoint of the model; with `step`, also the optimizer and generator states.
    private func checkpoint(epoch: Int, selection: Double, step: TrainingStep? = nil,
                            best: Best? = nil) -> Checkpoint {
        var state: Checkpoint.TrainingState?
        if let step, let best {
            typealias State = Checkpoint.TrainingState
            state = State(maskerGenerator: step.masker.map { State.words(of: $0.generator) },
                          noiseGenerator: State.words(of: step.noise),
                          encoderGenerators: model.encoders.flatMap(\.generators)
                              .map(State.words(of:)),
                          bestEpoch: best.epoch,
                          bestSelectionAccuracy: best.selection, bestTestAccuracy: best.test)
        }
        return Checkpoint(model: model, epoch: epoch, selectionSplit: selectionSplit,
                          selectionAccuracy: selection, classes: data.classes,
                          configKey: data.configKey, options: options,
                          optimizerState: step?.optimizer.state ?? [:], training: state)
    }

    /// Loads `last.ckpt` into the model and `step`, and trims the metrics files to its epoch.
    private func restore(step: TrainingStep,
                         folder: RunFolder) throws -> (Best, [EpochMetrics]) {
        let path = folder.lastCheckpointPath
        guard FileManager.default.fileExists(atPath: path) else {
            // Stopped before the first epoch's checkpoint: start again from epoch 1.
            try folder.rewriteMetrics([])
            return (Best(epoch: 0, selection: 0, test: 0), [])
        }
        let saved = try Checkpoint.read(from: path)
        guard let state = saved.header.training else {
            throw TrainingError(path: path, reason: "holds no training state to resume from")
        }
        var savedOptions = saved.header.options
        savedOptions.out = options.out  // a run folder may have been moved or renamed
        guard savedOptions == options, saved.header.configKey == data.configKey else {
            throw TrainingError(path: path, reason: "was written by a run of other options or "
                                + "another cache; resume with the run's own config.json")
        }
        try saved.load(into: model, path: path)
        step.optimizer.state = saved.optimizerState
        if let masker = step.masker {
            guard let words = state.maskerGenerator,
                  let generator = Checkpoint.TrainingState.generator(from: words) else {
                throw TrainingError(path: path, reason: "has no unit-sampler generator state")
            }
            masker.generator = generator
        }
        guard let noise = Checkpoint.TrainingState.generator(from: state.noiseGenerator) else {
            throw TrainingError(path: path, reason: "has no noise generator state")
        }
        step.noise = noise
        try restoreEncoderGenerators(state.encoderGenerators ?? [], path: path)

        let history = try folder.readMetrics().filter { $0.epoch <= saved.header.epoch }
        guard history.map(\.epoch) == (0..<saved.header.epoch).map({ $0 + 1 }) else {
            throw TrainingError(path: folder.metricsPath, reason: "does not hold epochs 1 to "
                                + "\(saved.header.epoch) of the checkpoint")
        }
        try folder.rewriteMetrics(history)
        return (Best(epoch: state.bestEpoch, selection: state.bestSelectionAccuracy,
                     test: state.bestTestAccuracy), history)
    }

    /// Sets every encoder's generators from checkpoint words, in encoder order.
    private func restoreEncoderGenerators(_ words: [[String]], path: String) throws {
        let generators = words.compactMap(Checkpoint.TrainingState.generator(from:))
        let needed = model.encoders.reduce(0) { $0 + $1.generators.count }
        guard generators.count == words.count, generators.count == needed else {
            throw TrainingError(path: path, reason: "holds \(words.count) encoder generator "
                                + "states, the model has \(needed)")
        }
        var rest = generators[...]
        for encoder in model.encoders where !encoder.generators.isEmpty {
            let count = encoder.generators.count
            encoder.generators = Array(rest.prefix(count))
            rest = rest.dropFirst(count)
        }
    }

    // MARK: - Steps

    /// Loss, accuracy (percent) and per-step keep ratios of one training epoch.
    private struct EpochTotals {
        var loss: Double
        var accuracy: Double
        var keepRatioSteps: [[Double]]
    }

    private func trainEpoch(_ epoch: Int, stream: ShardStream,
                            step: TrainingStep) throws -> EpochTotals {
        let batches = stream.epoch(epoch)
        defer { batches.close() }
        var lossSum = 0.0, correct = 0, seen = 0
        var ratioSteps: [[Double]] = []

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
            if ratioSteps.isEmpty { ratioSteps = result.keepRatios.map { _ in [] } }
            for (m, ratio) in result.keepRatios.enumerated() where m < ratioSteps.count {
                ratioSteps[m].append(ratio)
            }
        }

        guard seen > 0 else {
            throw TrainingError(path: data.train.location, reason: "epoch \(epoch) gave no "
                                + "training batch")
        }
        return EpochTotals(loss: lossSum / Double(seen),
                           accuracy: 100 * Double(correct) / Double(seen),
                           keepRatioSteps: ratioSteps)
    }

    private func stream(_ source: ClipSource, training: Bool) -> ShardStream {
        ShardStream(source: source, configuration: ShardStream.Configuration(
            batchSize: options.batchSize, framesPerClip: options.framesPerClip,
            training: training, randomResizedCrop: options.randomResizedCrop,
            shuffleBuffer: options.shuffleBuffer,
            maxBatches: training ? options.maxBatchesPerEpoch : nil, seed: options.seed,
            frameWindow: options.frameSampling == "window", cropSize: options.cropSize))
    }

    private func configuration(_ environment: RunEnvironment?) -> RunFolder.Configuration {
        var sizes = ["train": data.train.sampleCount, "test": data.test.sampleCount]
        if let valid = data.valid { sizes["valid"] = valid.sampleCount }
        return RunFolder.Configuration(options: options, cacheFolder: data.cacheFolder,
                                       configKey: data.configKey, classes: data.classes,
                                       splitSizes: sizes, selectionSplit: selectionSplit,
                                       selectionNote: selectionNote,
                                       referenceBehaviours: plan.referenceBehaviours(
                                           modalities: data.modalities),
                                       keepRatioVariant: plan.keepRatioVariant(
                                           modalities: data.modalities),
                                       environment: environment)
    }
}
