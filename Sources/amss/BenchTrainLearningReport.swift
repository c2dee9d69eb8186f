import Foundation
import Training

/// The tables of `amss bench learning`: per method over the seeds, per run, and per epoch.
struct BenchTrainLearningReport {
    /// One training run: a method at one seed, with every epoch's metrics.
    struct Run {
        var method: String
        var seed: UInt64
        var bestEpoch: Int
        var history: [EpochMetrics]

        /// The metrics of the epoch chosen on the valid split.
        var best: EpochMetrics? { history.first { $0.epoch == bestEpoch } }
    }

    /// The runs in the order they were trained.
    var runs: [Run] = []

    /// The method names in the order of their first run.
    var methods: [String] {
        var names: [String] = []
        for run in runs where !names.contains(run.method) { names.append(run.method) }
        return names
    }

    /// Every table as markdown lines: the summary, the raw numbers per run, the visual test
    /// accuracy per epoch, and each multimodal method's visual accuracy against joint's.
    var lines: [String] {
        var lines = ["| method | test acc | audio acc | visual acc |", "|---|---|---|---|"]
        for method in methods {
            let best = runs.filter { $0.method == method }.compactMap(\.best)
            lines.append("| \(method) | \(Self.summary(best.map(\.testAcc))) | "
                         + "\(Self.summary(best.compactMap(\.testAccAudio))) | "
                         + "\(Self.summary(best.compactMap(\.testAccVisual))) |")
        }

        lines += ["", "| method | seed | best epoch | valid | test | audio | visual | last test | "
                  + "last audio | last visual | mean ρ_audio |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for run in runs {
            guard let best = run.best, let last = run.history.last else { continue }
            let rho = run.history.flatMap { $0.rhoAudioSteps ?? [] }
            let cells = [run.method, "\(run.seed)", "\(run.bestEpoch)", Self.cell(best.validAcc),
                         Self.cell(best.testAcc), Self.cell(best.testAccAudio),
                         Self.cell(best.testAccVisual), Self.cell(last.testAcc),
                         Self.cell(last.testAccAudio), Self.cell(last.testAccVisual),
                         rho.isEmpty ? "-" : String(format: "%.2f", Self.mean(rho))]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }

        let epochs = runs.map(\.history.count).max() ?? 0
        lines += ["", "visual test accuracy per epoch, mean over the seeds (%):", "",
                  "| method | " + (1...max(1, epochs)).map(String.init)
                    .joined(separator: " | ") + " |",
                  "|---|" + String(repeating: "---|", count: max(1, epochs))]
        for method in methods {
            let histories = runs.filter { $0.method == method }.map(\.history)
            let cells = (0..<epochs).map { index -> String in
                let values = histories.compactMap { history in
                    index < history.count ? history[index].testAccVisual : nil
                }
                return values.isEmpty ? "-" : String(format: "%.0f", Self.mean(values))
            }
            guard cells.contains(where: { $0 != "-" }) else { continue }
            lines.append("| \(method) | " + cells.joined(separator: " | ") + " |")
        }

        lines += ["", "visual accuracy against joint's (at the chosen epochs; Welch t):"]
        let jointVisual = visual(of: "joint")
        for method in methods where method != "joint" && method.hasPrefix("unimodal") == false {
            lines.append(comparison(method, visual(of: method), jointVisual))
        }
        return lines
    }

    /// The visual accuracies of a method's runs at their chosen epochs, in seed order.
    private func visual(of method: String) -> [(seed: UInt64, value: Double)] {
        runs.filter { $0.method == method }.compactMap { run in
            run.best?.testAccVisual.map { (run.seed, $0) }
        }
    }

    /// One line: the difference of the means, Welch's t and its degrees of freedom, and the
    /// per-seed differences for the seeds both methods ran.
    private func comparison(_ method: String, _ values: [(seed: UInt64, value: Double)],
                            _ joint: [(seed: UInt64, value: Double)]) -> String {
        let a = values.map(\.value), b = joint.map(\.value)
        guard a.count >= 2, b.count >= 2 else { return "\(method): too few runs" }
        let difference = Self.mean(a) - Self.mean(b)
        let va = Self.variance(a) / Double(a.count), vb = Self.variance(b) / Double(b.count)
        let t = va + vb > 0 ? difference / (va + vb).squareRoot() : .nan
        let df = va + vb > 0
            ? (va + vb) * (va + vb)
                / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
            : .nan
        let perSeed = values.compactMap { run -> String? in
            guard let other = joint.first(where: { $0.seed == run.seed }) else { return nil }
            return String(format: "%+.1f", run.value - other.value)
        }
        return String(format: "%@ − joint: %+.2f points, Welch t %.2f (df %.1f); per seed %@",
                      method as NSString, difference, t, df,
                      perSeed.joined(separator: ", ") as NSString)
    }

    /// The arithmetic mean (callers pass at least one value).
    static func mean(_ values: [Double]) -> Double {
        SeedStatistics.meanAndDeviation(values).mean
    }

    /// The sample variance (0 for fewer than two values).
    static func variance(_ values: [Double]) -> Double {
        let deviation = SeedStatistics.meanAndDeviation(values).deviation
        return deviation * deviation
    }

    /// `mean ± sample standard deviation`, or `-` without values.
    static func summary(_ values: [Double]) -> String {
        values.isEmpty ? "-" : SeedStatistics.text(values)
    }

    /// A percentage with two decimals, or `-`.
    static func cell(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? "-"
    }
}
