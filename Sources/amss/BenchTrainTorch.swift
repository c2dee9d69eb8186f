import Console
import Foundation
import Pipeline

/// The PyTorch side of `amss bench train --torch`: tools/bench/train.py run with the same
/// shapes, width, batch, threads and step counts, its JSON read back.
enum BenchTrainTorch {
    /// PyTorch's measurement and the ratio to ours.
    struct Result: Codable {
        let torch: String
        let trainStepSeconds: Double
        let profile: [String: Double]?
        var ratio: Double?

        enum CodingKeys: String, CodingKey {
            case torch, ratio
            case trainStepSeconds = "train_step_s"
            case profile = "profile_s"
        }
    }

    /// Runs `python3 script` and returns its result with `ratio` = ours / PyTorch's seconds.
    ///
    /// - Throws: `UsageError` without the script, `PipelineError` when it fails or prints no
    ///   JSON.
    static func run(script: String, width: Double, batch: Int, threads: Int, steps: Int,
                    warmup: Int, profile: Bool, ours: Double) throws -> Result {
        guard FileManager.default.fileExists(atPath: script) else {
            throw UsageError("no PyTorch reference script at \(script); pass --python")
        }
        var arguments = [script, "--width", "\(width)", "--batch", "\(batch)", "--threads",
                         "\(threads)", "--steps", "\(steps)", "--warmup", "\(warmup)", "--json"]
        if profile { arguments.append("--profile") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe(), errors = Pipe()
        process.standardOutput = out
        process.standardError = errors
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let messages = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last ?? ""
        guard process.terminationStatus == 0,
              var result = try? JSONDecoder().decode(Result.self, from: Data(last.utf8)) else {
            throw PipelineError(path: script, code: "bench", reason: "exited with "
                                + "\(process.terminationStatus) without a JSON result: "
                                + String(decoding: messages.suffix(2_000), as: UTF8.self))
        }
        result.ratio = result.trainStepSeconds > 0 ? ours / result.trainStepSeconds : nil
        return result
    }

    /// Prints the per-layer profile (ours beside PyTorch's) and the ratio of one row.
    static func printDetails(_ row: BenchTrainCommand.Row) {
        if let torch = row.torch {
            Output.line(String(format: "       PyTorch %@: %.3f s per step; ours / PyTorch = "
                               + "%.2f×", torch.torch, torch.trainStepSeconds,
                               torch.ratio ?? .nan))
        }
        guard let profile = row.profile else { return }
        let kinds = Set(profile.keys).union(row.torch?.profile?.keys ?? [:].keys).sorted()
        Output.line("       layer kind      ours s   PyTorch s")
        for kind in kinds {
            let theirs = row.torch?.profile?[kind].map { String(format: "%9.3f", $0) }
                ?? "        -"
            Output.line(String(format: "       %-14@ %7.3f   ", kind, profile[kind] ?? 0)
                        + theirs)
        }
    }
}
