import Foundation

/// What one epoch measured: accuracies, F1, mAP and AUC in percent, losses in nats, keep
/// ratios averaged over the epoch's batches and traced step by step.
///
/// Per-modality values are keyed by modality name and written as `test_acc_<name>`,
/// `rho_<name>` and `rho_<name>_steps` (e.g. `test_acc_audio`, `rho_rgb`), with the names in
/// order under `modalities`.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// The epoch, from 1.
    public var epoch: Int
    /// The learning rate used in the epoch.
    public var learningRate: Double
    /// The mean fused cross-entropy over the training clips seen.
    public var trainLoss: Double
    /// The fused accuracy on the training clips seen (training mode, augmented).
    public var trainAcc: Double
    /// The mean fused cross-entropy on the test split.
    public var testLoss: Double
    /// The fused accuracy on the test split.
    public var testAcc: Double
    /// The modalities of the data, in order.
    public var modalities: [String]
    /// The accuracy of each encoder's uni-modal logits on the test split, by modality.
    public var testAccModality: [String: Double]
    /// Macro-F1 (percent) of the fused predictions on the test split.
    public var testF1: Double
    /// Mean average precision (percent) of the fused softmax scores on the test split.
    public var testMAP: Double
    /// Macro one-vs-rest ROC AUC (percent) of the fused softmax scores on the test split.
    public var testAUC: Double
    /// The test confusion matrix, `[true class][predicted class]`.
    public var testConfusion: [[Int]]
    /// Class names with no test clip, left out of the macro means (normally empty).
    public var testAbsentClasses: [String]
    /// The fused accuracy on the validation split, when there is one.
    public var validAcc: Double?
    /// ρ_m of every training step of the epoch, in order, by modality (empty for a single
    /// encoder).
    public var rhoSteps: [String: [Double]]
    /// Wall-clock seconds of the epoch (training and evaluation).
    public var seconds: Double

    /// Makes a record from the training totals and the evaluations of one epoch.
    ///
    /// - Parameter keepRatioSteps: per modality of `modalities` (in order), ρ of every step;
    ///   empty when no keep ratios were estimated.
    public init(epoch: Int, learningRate: Double, trainLoss: Double, trainAcc: Double,
                test: Evaluation, classes: [String], valid: Evaluation?,
                modalities: [String], keepRatioSteps: [[Double]], seconds: Double) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.trainAcc = trainAcc
        testLoss = test.loss
        testAcc = test.accuracy
        self.modalities = modalities
        testAccModality = test.modalityAccuracies
        testF1 = test.macroF1
        testMAP = test.meanAveragePrecision
        testAUC = test.auc
        testConfusion = test.confusion
        testAbsentClasses = test.absentClasses.map { classes.indices.contains($0)
                                                         ? classes[$0] : "\($0)" }
        validAcc = valid?.accuracy
        var steps: [String: [Double]] = [:]
        if keepRatioSteps.count == modalities.count, modalities.count >= 2 {
            for (name, values) in zip(modalities, keepRatioSteps) { steps[name] = values }
        }
        rhoSteps = steps
        self.seconds = seconds
    }

    /// The mean ρ_m over the epoch's steps, by modality.
    public var rho: [String: Double] {
        rhoSteps.compactMapValues { values in
            values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
    }

    /// The accuracy of the audio uni-modal logits on the test split (nil without one).
    public var testAccAudio: Double? { testAccModality["audio"] }
    /// The accuracy of the visual uni-modal logits on the test split (nil without one).
    public var testAccVisual: Double? { testAccModality["visual"] }
    /// The mean audio keep ratio ρ_a (nil for a single encoder).
    public var rhoAudio: Double? { rho["audio"] }
    /// The mean visual keep ratio ρ_v (nil for a single encoder).
    public var rhoVisual: Double? { rho["visual"] }
    /// ρ_a of every training step (nil for a single encoder).
    public var rhoAudioSteps: [Double]? { rhoSteps["audio"] }
    /// ρ_v of every training step (nil for a single encoder).
    public var rhoVisualSteps: [Double]? { rhoSteps["visual"] }

    /// One compact line: epoch, loss, accuracies, keep ratios and seconds.
    public var line: String {
        var text = String(format: "epoch %3d  loss %.4f  acc %.2f", epoch, trainLoss, testAcc)
        for name in modalities {
            if let value = testAccModality[name] {
                text += String(format: "  acc_%@ %.2f", name, value)
            }
        }
        if let validAcc { text += String(format: "  valid %.2f", validAcc) }
        let means = rho
        for name in modalities {
            if let value = means[name] { text += String(format: "  rho_%@ %.3f", name, value) }
        }
        return text + String(format: "  %.1f s", seconds)
    }

    /// The same record with `seconds` set to 0: what must agree between two runs of one
    /// configuration (an uninterrupted and a resumed one, or two with the same seed).
    public var withoutTiming: EpochMetrics {
        var copy = self
        copy.seconds = 0
        return copy
    }

    // MARK: - Coding

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes a record; per-modality keys are found by their prefixes.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        epoch = try c.decode(Int.self, forKey: Key("epoch"))
        learningRate = try c.decode(Double.self, forKey: Key("lr"))
        trainLoss = try c.decode(Double.self, forKey: Key("train_loss"))
        trainAcc = try c.decode(Double.self, forKey: Key("train_acc"))
        testLoss = try c.decode(Double.self, forKey: Key("test_loss"))
        testAcc = try c.decode(Double.self, forKey: Key("test_acc"))
        testF1 = try c.decode(Double.self, forKey: Key("test_f1"))
        testMAP = try c.decode(Double.self, forKey: Key("test_map"))
        testAUC = try c.decode(Double.self, forKey: Key("test_auc"))
        testConfusion = try c.decode([[Int]].self, forKey: Key("test_confusion"))
        testAbsentClasses = try c.decode([String].self, forKey: Key("test_absent_classes"))
        validAcc = try c.decodeIfPresent(Double.self, forKey: Key("valid_acc"))
        seconds = try c.decode(Double.self, forKey: Key("seconds"))
        modalities = try c.decodeIfPresent([String].self, forKey: Key("modalities"))
            ?? ["audio", "visual"]
        var accuracies: [String: Double] = [:]
        var steps: [String: [Double]] = [:]
        for name in modalities {
            accuracies[name] = try c.decodeIfPresent(Double.self, forKey: Key("test_acc_\(name)"))
            steps[name] = try c.decodeIfPresent([Double].self,
                                                forKey: Key("rho_\(name)_steps"))
        }
        testAccModality = accuracies
        rhoSteps = steps
    }

    /// Encodes every field; per-modality ones as `test_acc_<name>`, `rho_<name>`,
    /// `rho_<name>_steps` (left out when absent, as is `valid_acc`).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(epoch, forKey: Key("epoch"))
        try c.encode(learningRate, forKey: Key("lr"))
        try c.encode(trainLoss, forKey: Key("train_loss"))
        try c.encode(trainAcc, forKey: Key("train_acc"))
        try c.encode(testLoss, forKey: Key("test_loss"))
        try c.encode(testAcc, forKey: Key("test_acc"))
        try c.encode(modalities, forKey: Key("modalities"))
        let means = rho
        for name in modalities {
            try c.encodeIfPresent(testAccModality[name], forKey: Key("test_acc_\(name)"))
            try c.encodeIfPresent(means[name], forKey: Key("rho_\(name)"))
            try c.encodeIfPresent(rhoSteps[name], forKey: Key("rho_\(name)_steps"))
        }
        try c.encode(testF1, forKey: Key("test_f1"))
        try c.encode(testMAP, forKey: Key("test_map"))
        try c.encode(testAUC, forKey: Key("test_auc"))
        try c.encode(testConfusion, forKey: Key("test_confusion"))
        try c.encode(testAbsentClasses, forKey: Key("test_absent_classes"))
        try c.encodeIfPresent(validAcc, forKey: Key("valid_acc"))
        try c.encode(seconds, forKey: Key("seconds"))
    }
}
