import Foundation

/// `metrics.tsv`: one row per epoch with the columns of the reference's result files, so that
/// plotting scripts written for those read our runs unchanged.
///
/// Columns, tab-separated, in this order: `epoch` (from 0, as the reference counts),
/// `train_loss`, `train_acc`, `test_loss`, `a_acc`, `v_acc`, `test_acc`, `test_auc`, `test_f1`,
/// `test_mAP`, `Train_Time`. Accuracies, AUC, F1 and mAP are percentages, losses in nats,
/// `Train_Time` the epoch's wall-clock seconds (training and evaluation); a uni-modal accuracy
/// the model does not have is `nan`.
public enum MetricsTable {
    /// The header row's names.
    public static let columns = ["epoch", "train_loss", "train_acc", "test_loss", "a_acc",
                                 "v_acc", "test_acc", "test_auc", "test_f1", "test_mAP",
                                 "Train_Time"]

    /// The header line (with its newline).
    public static var header: String { columns.joined(separator: "\t") + "\n" }

    /// One row (with its newline) for `metrics`.
    public static func row(_ metrics: EpochMetrics) -> String {
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "nan" }
            return "\(value)"
        }
        let cells = ["\(metrics.epoch - 1)", number(metrics.trainLoss), number(metrics.trainAcc),
                     number(metrics.testLoss), number(metrics.testAccAudio),
                     number(metrics.testAccVisual), number(metrics.testAcc),
                     number(metrics.testAUC), number(metrics.testF1), number(metrics.testMAP),
                     number(metrics.seconds)]
        return cells.joined(separator: "\t") + "\n"
    }

    /// The whole table for `history`.
    public static func text(_ history: [EpochMetrics]) -> String {
        header + history.map(row).joined()
    }
}
