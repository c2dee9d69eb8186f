import Foundation

/// How the units of one group (or one fusion row) are chosen, given their importance scores.
///
/// Scores that are not finite and positive carry no information. When fewer than `k` units have
/// information, the informative ones are all kept and the missing draws are uniform among the rest
/// (finite scores first, then NaN or infinite ones), so a selection never fails and never depends
/// on a NaN comparison.
public enum UnitSampler: String, Codable, CaseIterable, Sendable {
    /// `k` units weighted without replacement with probability ∝ `q` (the default).
    ///
    /// Sequential weighted draws are realised in O(N) by Efraimidis–Spirakis keys: unit j gets the
    /// key `u_j^(1/q_j)` (`log(u_j) / q_j` here) and the `k` largest keys win.
    case adaptive
    /// The `k` units with the largest scores (ties: the lower index wins).
    case topk
    /// `k` units uniformly without replacement; scores are ignored.
    case random
    /// Each unit independently with probability `q_j`; `k` is ignored (ablation only).
    case bernoulli

    /// Chooses units from their scores.
    ///
    /// - Parameters:
    ///   - scores: one importance score per unit.
    ///   - count: the number of units to keep; clamped to `[1, scores.count]` (ignored by
    ///     `bernoulli`).
    ///   - generator: the source of randomness.
    /// - Returns: the chosen unit indices in increasing order.
    public func select<Generator: RandomNumberGenerator>(
        scores: [Double], count: Int, using generator: inout Generator
    ) -> [Int] {
        let unitCount = scores.count
        guard unitCount > 0 else { return [] }
        let keep = min(max(count, 1), unitCount)

        var chosen: [Int]
        switch self {
        case .adaptive:
            chosen = Self.weightedWithoutReplacement(scores: scores, count: keep,
                                                     using: &generator)
        case .topk:
            chosen = Self.largest(scores: scores, count: keep, using: &generator)
        case .random:
            chosen = UnitSelection.uniform(from: Array(0..<unitCount), count: keep,
                                           using: &generator)
        case .bernoulli:
            chosen = Self.independent(scores: scores, using: &generator)
        }

        chosen.sort()
        return chosen
    }

    // MARK: - Strategies

    /// Efraimidis–Spirakis weighted sampling without replacement, with uniform completion.
    private static func weightedWithoutReplacement<Generator: RandomNumberGenerator>(
        scores: [Double], count: Int, using generator: inout Generator
    ) -> [Int] {
        let informative = UnitSelection.informative(scores)
        if informative.count <= count {
            return UnitSelection.completed(informative, scores: scores, count: count,
                                           using: &generator)
        }

        // Dividing by the largest score keeps the weights in (0, 1] so that the keys
        // log(u) / w stay finite for every score a Float64 can hold.
        let largestScore = informative.reduce(0.0) { max($0, scores[$1]) }
        var keys = [Double](repeating: -.infinity, count: scores.count)
        for unit in informative {
            let weight = scores[unit] / largestScore
            keys[unit] = log(UnitSelection.openUnitInterval(using: &generator)) / weight
        }
        return UnitSelection.largestKeys(keys, among: informative, count: count)
    }

    /// The `count` largest informative scores, with uniform completion.
    private static func largest<Generator: RandomNumberGenerator>(
        scores: [Double], count: Int, using generator: inout Generator
    ) -> [Int] {
        let informative = UnitSelection.informative(scores)
        if informative.count <= count {
            return UnitSelection.completed(informative, scores: scores, count: count,
                                           using: &generator)
        }
        return UnitSelection.largestKeys(scores, among: informative, count: count)
    }

    /// Independent Bernoulli(q_j) draws; uniform probability 1/N when no score is informative.
    private static func independent<Generator: RandomNumberGenerator>(
        scores: [Double], using generator: inout Generator
    ) -> [Int] {
        let informative = UnitSelection.informative(scores)
        var chosen: [Int] = []
        if informative.isEmpty {
            let probability = 1.0 / Double(scores.count)
            for unit in scores.indices
            where UnitSelection.openUnitInterval(using: &generator) < probability {
                chosen.append(unit)
            }
            return chosen
        }

        let total = informative.reduce(0.0) { $0 + scores[$1] }
        for unit in informative
        where UnitSelection.openUnitInterval(using: &generator) < scores[unit] / total {
            chosen.append(unit)
        }
        return chosen
    }
}
