/// Sampling designs with exactly known inclusion probabilities, for an unbiased AMSS+.
///
/// Unit j is kept with probability `π_j = min(1, c·q_j)`, with `c` chosen so that `Σ π = k`
/// (units whose `c·q_j` would pass 1 are kept surely and `c` is solved again for the others).
/// Weighting a kept unit's gradient by `1 / π_j` makes the expected masked gradient equal to
/// the full gradient. Units whose score is not finite and positive get `π_j = 0`: under every
/// importance a zero score means a zero gradient, so dropping them biases nothing (a NaN or
/// infinite gradient is dropped rather than propagated).
public enum UnbiasedDesign: String, Codable, CaseIterable, Sendable {
    /// Each unit kept independently with probability π_j; the kept count is random, mean k.
    case poisson
    /// Systematic πps sampling: one uniform start, points spaced 1 apart over the cumulative
    /// π; exactly k units kept (when k units are informative).
    case systematic

    /// `π_j` for every unit, summing to `min(k, informative units)`.
    public static func inclusionProbabilities(scores: [Double], count: Int) -> [Double] {
        let informative = UnitSelection.informative(scores)
        var probabilities = [Double](repeating: 0, count: scores.count)
        let keep = min(max(count, 1), scores.count)
        if informative.count <= keep {
            for unit in informative { probabilities[unit] = 1 }
            return probabilities
        }

        var sure = [Bool](repeating: false, count: scores.count)
        var sureCount = 0
        while true {
            let open = informative.filter { !sure[$0] }
            let total = open.reduce(0.0) { $0 + scores[$1] }
            let scale = Double(keep - sureCount) / total
            let newlySure = open.filter { scale * scores[$0] >= 1 }
            if newlySure.isEmpty {
                for unit in open { probabilities[unit] = scale * scores[unit] }
                break
            }
            for unit in newlySure { sure[unit] = true }
            sureCount += newlySure.count
        }
        for unit in informative where sure[unit] { probabilities[unit] = 1 }
        return probabilities
    }

    /// Draws the kept units.
    ///
    /// - Returns: the kept unit indices in increasing order and each one's `π_j`.
    public func select<Generator: RandomNumberGenerator>(
        scores: [Double], count: Int, using generator: inout Generator
    ) -> (kept: [Int], probabilities: [Double]) {
        let probabilities = Self.inclusionProbabilities(scores: scores, count: count)
        var kept: [Int] = []

        switch self {
        case .poisson:
            for unit in probabilities.indices where probabilities[unit] > 0 {
                if probabilities[unit] >= 1
                    || UnitSelection.openUnitInterval(using: &generator) < probabilities[unit] {
                    kept.append(unit)
                }
            }
        case .systematic:
            // Unit j is kept when a point start + m (m = 0, 1, …) falls in
            // [S_{j−1}, S_j), S_j = π_1 + … + π_j.
            let start = UnitSelection.openUnitInterval(using: &generator)
            var cumulative = 0.0
            var pointsBelow = 0
            for unit in probabilities.indices {
                cumulative += probabilities[unit]
                let points = max(0, Int((cumulative - start).rounded(.up)))
                if points > pointsBelow && probabilities[unit] > 0 { kept.append(unit) }
                pointsBelow = max(pointsBelow, points)
            }
        }
        return (kept, kept.map { probabilities[$0] })
    }
}
