/// The outcome of a training run, written to `<out>/summary.json`.
public struct TrainSummary: Codable, Equatable, Sendable {
    /// The epoch (from 1) with the best accuracy on the selection split.
    public var bestEpoch: Int
    /// The fused test accuracy (percent) at the best epoch.
    public var bestTestAcc: Double
    /// The selection split's accuracy (percent) at the best epoch.
    public var bestSelectionAcc: Double
    /// `valid` when there is a validation split (from the cache or carved from train),
    /// otherwise `test`.
    public var selectionSplit: String
    /// How the selection split came about, in words (e.g. that test chose the best epoch).
    public var selectionNote: String
    /// Class names with no test clip, left out of the macro means.
    public var testAbsentClasses: [String]
    /// Epochs run.
    public var epochs: Int
    /// The run folder.
    public var runFolder: String
    /// The checkpoint of the best epoch.
    public var checkpoint: String

    enum CodingKeys: String, CodingKey {
        case epochs, checkpoint
        case bestEpoch = "best_epoch"
        case bestTestAcc = "best_test_acc"
        case bestSelectionAcc = "best_selection_acc"
        case selectionSplit = "selection_split"
        case selectionNote = "selection_note"
        case testAbsentClasses = "test_absent_classes"
        case runFolder = "run_folder"
    }

    /// Makes a summary.
    public init(bestEpoch: Int, bestTestAcc: Double, bestSelectionAcc: Double,
                selectionSplit: String, selectionNote: String, testAbsentClasses: [String],
                epochs: Int, runFolder: String, checkpoint: String) {
        self.bestEpoch = bestEpoch
        self.bestTestAcc = bestTestAcc
        self.bestSelectionAcc = bestSelectionAcc
        self.selectionSplit = selectionSplit
        self.selectionNote = selectionNote
        self.testAbsentClasses = testAbsentClasses
        self.epochs = epochs
        self.runFolder = runFolder
        self.checkpoint = checkpoint
    }
}
