import Foundation
import Training

/// `amss train <cache-folder>`: train on prepared shards.
enum TrainCommand {
    static let help = """
        usage: amss train <cache-folder> [--method joint|amss|amss+] [--epochs N]
                          [--batch-size B] [--width W] [--seed S] [--out DIR] [--lr R]
                          [--threads N] [--max-batches N] [--compat reference] [--json]

        Trains two ResNet-18 encoders with concat fusion on the shards of <cache-folder> (the
        folder `amss prep` printed), one line per epoch, and writes DIR/config.json,
        DIR/metrics.jsonl, DIR/best.ckpt and DIR/summary.json.
          --method        joint (no masking), amss (default) or amss+
          --epochs N      default 80 (the paper's)
          --batch-size B  default 64
          --width W       channel multiplier of the encoders (default 1; 0.125 for quick CPU runs)
          --seed S        default 42
          --out DIR       default runs/<timestamp>
          --lr R          SGD learning rate (default 0.01)
          --threads N     BLAS threads (default 2)
          --max-batches N stop each training epoch after N batches
          --compat reference   reproduce the reference implementation's numerics
          --json          one JSON summary object on stdout instead of the epoch lines
        """

    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(
            words, valued: ["method", "epochs", "batch-size", "width", "seed", "out", "lr",
                            "threads", "max-batches", "compat"],
            allowedFlags: ["json", "help"])
        if arguments.flag("help") { Output.line(help); return 0 }
        guard arguments.positional.count == 1 else {
            throw UsageError("train needs <cache-folder>\n\n\(help)")
        }
        let options = try makeOptions(arguments)
        let json = arguments.flag("json")
        let summary = try train(cacheFolder: arguments.positional[0], options: options,
                                quiet: json)
        if json { try Output.json(summary) }
        return 0
    }

    /// Runs the trainer, printing one line per epoch unless `quiet`.
    static func train(cacheFolder: String, options: TrainOptions,
                      quiet: Bool) throws -> TrainSummary {
        let trainer = try Trainer(cacheFolder: cacheFolder, options: options)
        if !quiet {
            Output.line("epoch  loss    acc     audio   visual  rho_a  rho_v  seconds")
        }
        let summary = try trainer.run { metrics in
            guard !quiet else { return }
            Output.line(String(format: "%5d  %6.4f  %6.2f  %6.2f  %6.2f  %5.3f  %5.3f  %7.1f",
                               metrics.epoch, metrics.trainLoss, metrics.testAcc,
                               metrics.testAccAudio, metrics.testAccVisual, metrics.rhoAudio,
                               metrics.rhoVisual, metrics.seconds))
        }
        if !quiet {
            Output.line(String(format: "best epoch %d (chosen on %@): test accuracy %.2f %%; "
                               + "run folder %@", summary.bestEpoch, summary.selectionSplit,
                               summary.bestTestAcc, summary.runFolder))
        }
        return summary
    }

    static func makeOptions(_ arguments: Arguments) throws -> TrainOptions {
        var options = TrainOptions(out: arguments.options["out"] ?? defaultRunFolder())
        options.method = arguments.options["method"] ?? "amss"
        guard ["joint", "amss", "amss+"].contains(options.method) else {
            throw UsageError("--method must be joint, amss or amss+, got '\(options.method)'")
        }
        options.epochs = try arguments.integer("epochs", default: 80, in: 1...100_000)
        options.batchSize = try arguments.integer("batch-size", default: 64, in: 1...65_536)
        options.width = try arguments.number("width", default: 1)
        options.seed = UInt64(try arguments.integer("seed", default: 42))
        options.learningRate = try arguments.number("lr", default: 0.01)
        options.threads = try arguments.integer("threads", default: 2, in: 1...256)
        if arguments.options["max-batches"] != nil {
            options.maxBatchesPerEpoch = try arguments.integer("max-batches", default: 0,
                                                               in: 1...Int.max)
        }
        if let compat = arguments.options["compat"] {
            guard compat == "reference" else {
                throw UsageError("--compat takes only 'reference', got '\(compat)'")
            }
            options.compat = true
        }
        return options
    }

    /// `runs/<UTC timestamp>`.
    static func defaultRunFolder(prefix: String = "") -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "runs/\(prefix)\(formatter.string(from: Date()))"
    }
}
