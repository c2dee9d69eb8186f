import Console
import Datasets
import Foundation
import Pipeline
import Training

/// `amss demo`: the whole job on a small synthetic CREMA-D sample, in a few minutes.
enum DemoCommand {
    static let help = """
        usage: amss demo [--folder DIR] [--cache DIR] [--epochs N] [--width W]

        Writes a small synthetic sample in the CREMA-D layout (both modalities carry class
        signal, audio more than vision; half the clips have frame folders, half only FLV
        videos), then validates it, prepares it into shards and trains it twice, with joint
        training and with AMSS, and prints both results.
          --folder DIR  where the sample goes (default: cache/demo-sample)
          --cache DIR   cache root (default: cache)
          --epochs N    epochs of each run (default 8)
          --width W     encoder width multiplier (default 0.125)
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, valued: ["folder", "cache", "epochs", "width"],
                                      allowedFlags: ["help"])
        if arguments.flag("help") { Output.line(help); return 0 }
        let folder = arguments.options["folder"] ?? "cache/demo-sample"
        let cache = arguments.options["cache"] ?? "cache"
        let epochs = try arguments.integer("epochs", default: 8, in: 1...1000)
        let width = try arguments.number("width", default: 0.125)

        Output.line("== 1. writing a synthetic CREMA-D sample to \(folder)")
        try? FileManager.default.removeItem(atPath: folder)
        let clips = try DemoDataset().write(to: folder)
        Output.line("\(clips) clips (synthetic media, real CREMA-D names and layout)")

        Output.line("== 2. amss validate crema \(folder)")
        let scan = CremaLayout().scan(root: folder)
        for finding in scan.findings { Output.line(finding.line) }
        Output.line(Output.count(scan.samples.count, "usable sample") + ", "
                    + Output.count(scan.findings.filter { $0.severity == .error }.count, "error"))

        Output.line("== 3. amss prep crema \(folder) --cache \(cache)")
        guard let config = PipelineConfig.builtIn("crema") else { return 1 }
        var prep = PrepOptions(dataset: "crema", root: folder, config: config)
        prep.cacheRoot = cache
        let summary = try PrepRunner.run(prep)
        Output.line(String(format: "%d shards in %.1f s → %@", summary.shardsWritten
                           + summary.shardsReused, summary.seconds, summary.cacheFolder))

        var results: [(String, TrainSummary)] = []
        for (step, method) in ["joint", "amss"].enumerated() {
            Output.line("== \(4 + step). amss train \(summary.cacheFolder) --method \(method) "
                        + "--epochs \(epochs) --width \(width)")
            let run = TrainCommand.defaultRunFolder(prefix: "demo-\(method)-")
            var options = TrainOptions(out: run)
            options.method = method
            options.epochs = epochs
            options.width = width
            options.batchSize = 16
            options.stepEpoch = max(1, epochs * 3 / 4)
            results.append((method, try TrainCommand.train(cacheFolder: summary.cacheFolder,
                                                           options: options, quiet: false)))
        }

        Output.line("== result (test accuracy at the epoch chosen on the valid split)")
        for (method, result) in results {
            let name = method.padding(toLength: 6, withPad: " ", startingAt: 0)
            Output.line(name + String(format: " %6.2f %%  (epoch %d, ", result.bestTestAcc,
                                      result.bestEpoch) + result.runFolder + ")")
        }
        return 0
    }
}
