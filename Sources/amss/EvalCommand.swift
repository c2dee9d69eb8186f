import Console
import Foundation
import Training

/// `amss eval <run>`: evaluate a run's saved model on one split of its cache.
enum EvalCommand {
    static let help = """
        usage: amss eval <run-folder> [--split test|valid|train] [--checkpoint best|last] [--json]

        Loads <run-folder>/best.ckpt (or last.ckpt) and evaluates it on a split of the run's
        cache (default test): accuracy, per-modality accuracy, macro-F1, mAP, macro AUC, loss
        and the confusion matrix. Classes absent from the split are left out of the macro means
        and named.
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["split", "checkpoint"],
                                      allowedFlags: ["json", "help"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.count == 1 else {
            throw UsageError("eval needs <run-folder>\n\n\(help)")
        }
        let split = arguments.options["split"] ?? "test"
        guard ["test", "valid", "train"].contains(split) else {
            throw UsageError("--split must be test, valid or train, got '\(split)'")
        }
        let checkpoint = arguments.options["checkpoint"] ?? "best"
        guard ["best", "last"].contains(checkpoint) else {
            throw UsageError("--checkpoint must be best or last, got '\(checkpoint)'")
        }
        let result = try RunEvaluation.evaluate(run: arguments.positional[0], split: split,
                                                checkpoint: checkpoint)
        if arguments.flag("json") {
            try Output.json(result)
            return 0
        }
        func cell(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
        Output.line("\(result.split) (\(result.count) clips), epoch \(result.epoch) of "
                    + "\(result.checkpoint)")
        let modalities = result.modalities.map { "\($0) \(cell(result.modalityAccuracies[$0]))  " }
        Output.line("accuracy \(cell(result.accuracy))  " + modalities.joined()
                    + "F1 \(cell(result.f1))  mAP "
                    + "\(cell(result.meanAveragePrecision))  AUC \(cell(result.auc))  loss "
                    + String(format: "%.4f", result.loss))
        if !result.absentClasses.isEmpty {
            Output.line("classes absent from \(split), left out of the macro means: "
                        + result.absentClasses.joined(separator: ", "))
        }
        Output.line("confusion (rows: true class):")
        for row in result.confusion {
            Output.line("  " + row.map { String(format: "%5d", $0) }.joined(separator: " "))
        }
        return 0
    }
}
