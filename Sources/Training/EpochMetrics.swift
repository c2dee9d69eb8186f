import Foundation

/// What one epoch measured: accuracies, F1, mAP and AUC in percent, losses in nats, keep
/// ratios averaged over the epoch's batches and traced step by step.
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
    /// The accuracy of the audio uni-modal logits on the test split (nil without an audio
    /// encoder).
    public var testAccAudio: Double?
    /// The accuracy of the visual uni-modal logits on the test split (nil without a visual
    /// encoder).
    public var testAccVisual: Double?
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
    /// The mean audio keep ratio ρ_a over the epoch's batches (nil for a single encoder).
    public var rhoAudio: Double?
    /// The mean visual keep ratio ρ_v over the epoch's batches (nil for a single encoder).
    public var rhoVisual: Double?
    /// ρ_a of every training step of the epoch, in order (nil for a single encoder).
    public var rhoAudioSteps: [Double]?
    /// ρ_v of every training step of the epoch, in order (nil for a single encoder).
    public var rhoVisualSteps: [Double]?
    /// Wall-clock seconds of the epoch (training and evaluation).
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, seconds
        case learningRate = "lr"
        case trainLoss = "train_loss"
        case trainAcc = "train_acc"
        case testLoss = "test_loss"
        case testAcc = "test_acc"
        case testAccAudio = "test_acc_audio"
        case testAccVisual = "test_acc_visual"
        case testF1 = "test_f1"
        case testMAP = "test_map"
        case testAUC = "test_auc"
        case testConfusion = "test_confusion"
        case testAbsentClasses = "test_absent_classes"
        case validAcc = "valid_acc"
        case rhoAudio = "rho_audio"
        case rhoVisual = "rho_visual"
        case rhoAudioSteps = "rho_audio_steps"
        case rhoVisualSteps = "rho_visual_steps"
    }

    /// Makes a record from the training totals and the evaluations of one epoch.
    public init(epoch: Int, learningRate: Double, trainLoss: Double, trainAcc: Double,
                test: Evaluation, classes: [String], valid: Evaluation?,
                keepRatioSteps: [[Double]], seconds: Double) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.trainAcc = trainAcc
        testLoss = test.loss
        testAcc = test.accuracy
        testAccAudio = test.audioAccuracy
        testAccVisual = test.visualAccuracy
        testF1 = test.macroF1
        testMAP = test.meanAveragePrecision
        testAUC = test.auc
        testConfusion = test.confusion
        testAbsentClasses = test.absentClasses.map { classes.indices.contains($0)
                                                         ? classes[$0] : "\($0)" }
        validAcc = valid?.accuracy
        let paired = keepRatioSteps.count == 2
        rhoAudioSteps = paired ? keepRatioSteps[0] : nil
        rhoVisualSteps = paired ? keepRatioSteps[1] : nil
        func mean(_ values: [Double]?) -> Double? {
            guard let values, !values.isEmpty else { return nil }
            return values.reduce(0, +) / Double(values.count)
        }
        rhoAudio = mean(rhoAudioSteps)
        rhoVisual = mean(rhoVisualSteps)
        self.seconds = seconds
    }

    /// One compact line: epoch, loss, accuracies, keep ratios and seconds.
    public var line: String {
        var text = String(format: "epoch %3d  loss %.4f  acc %.2f", epoch, trainLoss, testAcc)
        if let testAccAudio { text += String(format: "  acc_audio %.2f", testAccAudio) }
        if let testAccVisual { text += String(format: "  acc_visual %.2f", testAccVisual) }
        if let validAcc { text += String(format: "  valid %.2f", validAcc) }
        if let rhoAudio, let rhoVisual {
            text += String(format: "  rho_a %.3f  rho_v %.3f", rhoAudio, rhoVisual)
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
}
