import Foundation

/// `amss eval`: a run's saved model evaluated on one split of its cache.
public struct RunEvaluation: Codable, Equatable, Sendable {
    /// The run folder.
    public var run: String
    /// The split evaluated (`test`, `valid` or `train`).
    public var split: String
    /// The checkpoint file used.
    public var checkpoint: String
    /// The checkpoint's epoch (from 1).
    public var epoch: Int
    /// Clips evaluated.
    public var count: Int
    /// Fused accuracy (percent).
    public var accuracy: Double
    /// The data's modalities, in order.
    public var modalities: [String]
    /// Uni-modal accuracy (percent) of each encoder, by modality.
    public var modalityAccuracies: [String: Double]
    /// Macro-F1 (percent).
    public var f1: Double
    /// Mean average precision (percent).
    public var meanAveragePrecision: Double
    /// Macro one-vs-rest AUC (percent).
    public var auc: Double
    /// Mean fused cross-entropy.
    public var loss: Double
    /// `[true class][predicted class]` counts.
    public var confusion: [[Int]]
    /// Class names with no clip in the split, left out of the macro means.
    public var absentClasses: [String]

    enum CodingKeys: String, CodingKey {
        case run, split, checkpoint, epoch, count, accuracy, f1, auc, loss, confusion
        case modalities
        case modalityAccuracies = "modality_acc"
        case meanAveragePrecision = "map"
        case absentClasses = "absent_classes"
    }

    /// Loads `<run>/<checkpoint>.ckpt` (`best` or `last`) and evaluates it on `split` of the
    /// run's cache, with the run's batch size and frames per clip (a valid split carved from
    /// train is carved again the same way).
    ///
    /// - Throws: `TrainingError` for a folder that is not a run, a missing checkpoint or
    ///   split, or a checkpoint that does not fit the model.
    public static func evaluate(run folder: String, split: String = "test",
                                checkpoint name: String = "best") throws -> RunEvaluation {
        let run = try RunFolder(path: folder, resuming: true)
        let configuration = try run.readConfiguration()
        let path = name == "last" ? run.lastCheckpointPath : run.checkpointPath
        let saved = try Checkpoint.read(from: path)
        let data = try TrainingData(cacheFolder: configuration.cacheFolder,
                                    options: configuration.options)
        let source: ClipSource
        switch split {
        case "test": source = data.test
        case "train": source = data.train
        case "valid":
            guard let valid = data.valid else {
                throw TrainingError(path: configuration.cacheFolder, reason: "has no valid "
                                    + "split (and the run carved none)")
            }
            source = valid
        default:
            throw TrainingError(path: folder, reason: "unknown split \(split) (test, valid, "
                                + "train)")
        }

        let options = configuration.options
        let plan = try TrainPlan(options)
        let model = try plan.makeModel(modalities: data.modalities, options: options,
                                       classCount: data.classes.count)
        try saved.load(into: model, path: path)
        let stream = ShardStream(source: source, configuration: .init(
            batchSize: options.batchSize, framesPerClip: options.framesPerClip,
            training: false, frameWindow: options.frameSampling == "window"))
        let result = try Evaluation.run(model: model, stream: stream)
        return RunEvaluation(
            run: folder, split: split, checkpoint: path, epoch: saved.header.epoch,
            count: result.count, accuracy: result.accuracy,
            modalities: data.modalities.map(\.name),
            modalityAccuracies: result.modalityAccuracies, f1: result.macroF1,
            meanAveragePrecision: result.meanAveragePrecision, auc: result.auc,
            loss: result.loss, confusion: result.confusion,
            absentClasses: result.absentClasses.map {
                data.classes.indices.contains($0) ? data.classes[$0] : "\($0)"
            })
    }
}
