import Foundation

/// What one epoch measured: accuracies in percent, keep ratios averaged over the epoch's batches.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// The epoch, from 1.
    public var epoch: Int
    /// The mean fused cross-entropy over the training clips seen.
    public var trainLoss: Double
    /// The fused accuracy on the training clips seen (training mode, augmented).
    public var trainAcc: Double
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
    /// The fused accuracy on the validation split, when there is one.
    public var validAcc: Double?
    /// The mean audio keep ratio ρ_a over the epoch's batches (nil for a single encoder).
    public var rhoAudio: Double?
    /// The mean visual keep ratio ρ_v over the epoch's batches (nil for a single encoder).
    public var rhoVisual: Double?
    /// Wall-clock seconds of the epoch (training and evaluation).
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case epoch, seconds
        case trainLoss = "train_loss"
        case trainAcc = "train_acc"
        case testAcc = "test_acc"
        case testAccAudio = "test_acc_audio"
        case testAccVisual = "test_acc_visual"
        case testF1 = "test_f1"
        case testMAP = "test_map"
        case testAUC = "test_auc"
        case validAcc = "valid_acc"
        case rhoAudio = "rho_audio"
        case rhoVisual = "rho_visual"
    }

    /// Makes a record.
    public init(epoch: Int, trainLoss: Double, trainAcc: Double, testAcc: Double,
                testAccAudio: Double?, testAccVisual: Double?, testF1: Double,
                testMAP: Double, testAUC: Double, validAcc: Double?,
                rhoAudio: Double?, rhoVisual: Double?, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAcc = trainAcc
        self.testAcc = testAcc
        self.testAccAudio = testAccAudio
        self.testAccVisual = testAccVisual
        self.testF1 = testF1
        self.testMAP = testMAP
        self.testAUC = testAUC
        self.validAcc = validAcc
        self.rhoAudio = rhoAudio
        self.rhoVisual = rhoVisual
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
}
