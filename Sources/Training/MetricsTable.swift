import Foundation

/// `metrics.tsv`: one row per epoch with the columns of the reference's result files, so that
/// plotting scripts written for those read our runs unchanged.
///
/// Columns, tab-separated, in this order: `epoch` (from 0, as the reference counts),
/// `train_loss`, `train_acc`, `test_loss`, one `<m>_acc` per modality (`a_acc`, `v_acc`
/// for audio–visual data), `test_acc`, `test_auc`, `test_f1`,
/// `test_mAP`, `Train_Time`. Accuracies, AUC, F1 and mAP are percentages, losses in nats,
/// `Train_Time` the epoch's wall-clock seconds (training and evaluation); a uni-modal accuracy
/// the model does not have is `nan`.
public enum MetricsTable {
    /// The reference's short names of the uni-modal accuracy columns; other modalities use
    /// their own name (`rgb_acc`, `depth_acc`, `flow_acc`).
    static let shortNames = ["audio": "a", "visual": "v", "text": "t"]

    /// The header row's names for data of `modalities` (`a_acc`, `v_acc` for audio–visual).
    public static func columns(_ modalities: [String]) -> [String] {
        ["epoch", "train_loss", "train_acc", "test_loss"]
            + modalities.map { (shortNames[$0] ?? $0) + "_acc" }
            + ["test_acc", "test_auc", "test_f1", "test_mAP", "Train_Time"]
    }

    /// The header line (with its newline).
    public static func header(_ modalities: [String]) -> String {
        columns(modalities).joined(separator: "\t") + "\n"
    }

    /// One row (with its newline) for `metrics`.
    public static func row(_ metrics: EpochMetrics, modalities: [String]) -> String {
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "nan" }
            return "\(value)"
        }
        let cells = ["\(metrics.epoch - 1)", number(metrics.trainLoss), number(metrics.trainAcc),
                     number(metrics.testLoss)]
            + modalities.map { number(metrics.testAccModality[$0]) }
            + [number(metrics.testAcc), number(metrics.testAUC), number(metrics.testF1),
               number(metrics.testMAP), number(metrics.seconds)]
        return cells.joined(separator: "\t") + "\n"
    }

    /// The whole table for `history`.
    public static func text(_ history: [EpochMetrics], modalities: [String]) -> String {
        header(modalities) + history.map { row($0, modalities: modalities) }.joined()
    }
}
