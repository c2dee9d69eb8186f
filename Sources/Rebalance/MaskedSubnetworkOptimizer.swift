import Foundation
import Tensor

/// Masks gradients unit by unit after the backward pass (AMSS, AMSS+), before the optimizer step.
///
/// For every maskable group of modality m it scores the units, keeps
/// `k = ⌈N·ρ_m − 1e-9⌉` (clamped to `[1, N]`) of the `N` units with the sampler, multiplies the
/// gradient of each kept unit by its weight (1 for AMSS, `1 / (q_j + 1/N)` for AMSS+) and sets the
/// gradient of every other unit to zero. A fusion column block draws once per class row.
///
/// With `compat` the reference's audio–visual behaviour is reproduced: fusion rows keep
/// `int(N·ρ)` columns, their AMSS+ weight uses the column index where `q` was meant, and their
/// masks are computed but not applied; AMSS+ re-weights convolution filters only under the
/// adaptive sampler.
///
/// With an `unbiased` design (ours, beyond the reference) the units are drawn by that design
/// instead of the sampler, and AMSS+ weights kept unit j by `1 / π_j`, its exact inclusion
/// probability, so that the expected masked gradient is the full gradient.
public final class MaskedSubnetworkOptimizer<Generator: RandomNumberGenerator> {
    /// Joint (no masking), AMSS or AMSS+.
    public let method: RebalanceMethod
    /// How units are scored.
    public let importance: UnitImportance
    /// How units are drawn from their scores.
    public let sampler: UnitSampler
    /// Reproduce the reference implementation's fusion-layer behaviour.
    public let compat: Bool
    /// A design with exact inclusion probabilities replacing the sampler, or nil.
    public let unbiased: UnbiasedDesign?
    /// The source of randomness for the samplers.
    public var generator: Generator

    /// Makes an optimizer stage.
    public init(method: RebalanceMethod, importance: UnitImportance = .gn,
                sampler: UnitSampler = .adaptive, compat: Bool = false,
                unbiased: UnbiasedDesign? = nil, generator: Generator) {
        self.method = method
        self.importance = importance
        self.sampler = sampler
        self.compat = compat
        self.unbiased = unbiased
        self.generator = generator
    }

    /// The number of units kept out of `unitCount` at keep ratio `keepRatio`.
    ///
    /// `⌈N·ρ − 1e-9⌉` in Float64, or `int(N·ρ)` when `truncating`; clamped to `[1, N]`. A NaN
    /// ratio counts as 0.5 and the ratio is clamped to `[0, 1]` first.
    public static func keepCount(unitCount: Int, keepRatio: Double, truncating: Bool) -> Int {
        guard unitCount > 0 else { return 0 }
        let ratio = keepRatio.isNaN ? KeepRatioEstimator.neutralRatio
                                    : min(max(keepRatio, 0), 1)
        let product = Double(unitCount) * ratio
        let count = truncating ? Int(product.rounded(.towardZero))
                               : Int((product - 1e-9).rounded(.up))
        return min(max(count, 1), unitCount)
    }

    /// Masks the gradients of every group in place.
    ///
    /// - Parameters:
    ///   - groups: the maskable groups of the model.
    ///   - keepRatios: `ρ_m` indexed by modality.
    /// - Returns: one record per draw (empty for `joint`).
    /// - Throws: `RebalanceError` when a group's modality has no keep ratio or its layout does not
    ///   fit its parameter.
    @discardableResult
    public func apply(groups: [MaskableGroup], keepRatios: [Double]) throws -> [UnitMask] {
        guard method != .joint else { return [] }

        var masks: [UnitMask] = []
        for group in groups {
            let name = group.parameter.name
            guard keepRatios.indices.contains(group.modality) else {
                throw RebalanceError(parameter: name, reason: "no keep ratio for modality "
                                     + "\(group.modality) (have \(keepRatios.count))")
            }
            let keepRatio = keepRatios[group.modality]

            switch group.layout {
            case .leadingAxis(let unitCount):
                masks.append(try maskFilters(group, unitCount: unitCount, keepRatio: keepRatio))
            case .columnBlock(let rows, let columns, let columnStart, let columnCount):
                masks += try maskColumns(group, rows: rows, columns: columns,
                                         columnStart: columnStart, columnCount: columnCount,
                                         keepRatio: keepRatio)
            }
        }
        return masks
    }

    // MARK: - Layouts

    /// One draw over the output filters (equal slices along the first axis).
    private func maskFilters(_ group: MaskableGroup, unitCount: Int,
                             keepRatio: Double) throws -> UnitMask {
        let parameter = group.parameter
        let valueCount = parameter.grad.count
        guard unitCount > 0, valueCount == parameter.value.count,
              valueCount % unitCount == 0 else {
            throw RebalanceError(parameter: parameter.name, reason: "\(valueCount) gradient "
                                 + "values do not split into \(unitCount) equal units")
        }
        let unitSize = valueCount / unitCount

        let scores = unitScores(parameter, ranges: (0..<unitCount).map { unit in
            (unit * unitSize)..<((unit + 1) * unitSize)
        })
        let count = Self.keepCount(unitCount: unitCount, keepRatio: keepRatio, truncating: false)
        let (kept, weights): ([Int], [Float])
        if let design = unbiased {
            (kept, weights) = draw(design, scores: scores, count: count)
        } else {
            kept = sampler.select(scores: scores, count: count, using: &generator)
            let reweights = method == .amssPlus && (!compat || sampler == .adaptive)
            weights = reweights ? Self.unbiasingWeights(kept: kept, scores: scores)
                                : [Float](repeating: 1, count: kept.count)
        }

        var factors = [Float](repeating: 0, count: unitCount)
        for (unit, weight) in zip(kept, weights) { factors[unit] = weight }
        parameter.grad.withUnsafeMutableBufferPointer { values in
            for unit in 0..<unitCount {
                Self.scale(values, range: (unit * unitSize)..<((unit + 1) * unitSize),
                           by: factors[unit])
            }
        }
        return UnitMask(parameter: parameter.name, modality: group.modality, row: nil,
                        unitCount: unitCount, kept: kept, weights: weights, applied: true)
    }

    /// One draw per class row over a block of columns of a `[rows, columns]` weight.
    private func maskColumns(_ group: MaskableGroup, rows: Int, columns: Int, columnStart: Int,
                             columnCount: Int, keepRatio: Double) throws -> [UnitMask] {
        let parameter = group.parameter
        guard rows > 0, columns > 0, rows * columns == parameter.grad.count,
              parameter.grad.count == parameter.value.count, columnStart >= 0,
              columnCount > 0, columnStart + columnCount <= columns else {
            throw RebalanceError(parameter: parameter.name, reason: "column block "
                                 + "\(columnStart)..<\(columnStart + columnCount) of "
                                 + "[\(rows), \(columns)] does not fit "
                                 + "\(parameter.grad.count) gradient values")
        }
        let applies = !compat
        let count = Self.keepCount(unitCount: columnCount, keepRatio: keepRatio,
                                   truncating: compat)

        var masks: [UnitMask] = []
        for row in 0..<rows {
            let first = row * columns + columnStart
            let scores = unitScores(parameter, ranges: (0..<columnCount).map { column in
                (first + column)..<(first + column + 1)
            })
            let kept: [Int]
            let weights: [Float]
            if let design = unbiased {
                (kept, weights) = draw(design, scores: scores, count: count)
            } else if method != .amssPlus {
                kept = sampler.select(scores: scores, count: count, using: &generator)
                weights = [Float](repeating: 1, count: kept.count)
            } else if compat {
                kept = sampler.select(scores: scores, count: count, using: &generator)
                weights = kept.map { Float(1 / (Double($0) + 1 / Double(rows))) }
            } else {
                kept = sampler.select(scores: scores, count: count, using: &generator)
                weights = Self.unbiasingWeights(kept: kept, scores: scores)
            }

            if applies {
                var factors = [Float](repeating: 0, count: columnCount)
                for (column, weight) in zip(kept, weights) { factors[column] = weight }
                parameter.grad.withUnsafeMutableBufferPointer { values in
                    for column in 0..<columnCount {
                        Self.scale(values, range: (first + column)..<(first + column + 1),
                                   by: factors[column])
                    }
                }
            }
            masks.append(UnitMask(parameter: parameter.name, modality: group.modality,
                                  row: row, unitCount: columnCount, kept: kept,
                                  weights: weights, applied: applies))
        }
        return masks
    }

    /// The importance score of each range of the parameter's values (read in place).
    private func unitScores(_ parameter: Parameter, ranges: [Range<Int>]) -> [Double] {
        parameter.grad.withUnsafeBufferPointer { gradient in
            parameter.value.withUnsafeBufferPointer { weight in
                ranges.map { importance.score(gradient: gradient, weight: weight, range: $0) }
            }
        }
    }

    // MARK: - Weights

    /// Units drawn by an exact design; weights `1 / π_j` for AMSS+, 1 otherwise.
    private func draw(_ design: UnbiasedDesign, scores: [Double],
                      count: Int) -> ([Int], [Float]) {
        let (kept, probabilities) = design.select(scores: scores, count: count,
                                                  using: &generator)
        let weights = method == .amssPlus ? probabilities.map { Float(1 / $0) }
                                          : [Float](repeating: 1, count: kept.count)
        return (kept, weights)
    }

    /// AMSS+ weights `1 / (q_j + 1/N)` with `q = s / Σ s` over the informative scores.
    ///
    /// Units whose score is not finite and positive have `q_j = 0` (weight `N`).
    static func unbiasingWeights(kept: [Int], scores: [Double]) -> [Float] {
        let informative = UnitSelection.informative(scores)
        let total = informative.reduce(0.0) { $0 + scores[$1] }
        let uniform = 1 / Double(scores.count)
        return kept.map { unit in
            let score = scores[unit]
            let share = score.isFinite && score > 0 && total > 0 ? score / total : 0
            return Float(1 / (share + uniform))
        }
    }

    /// Multiplies `values[range]` by `factor`; a factor of 0 writes exact zeros (so a NaN
    /// gradient of a dropped unit is removed too).
    private static func scale(_ values: UnsafeMutableBufferPointer<Float>, range: Range<Int>,
                              by factor: Float) {
        if factor == 0 {
            for index in range { values[index] = 0 }
        } else if factor != 1 {
            for index in range { values[index] *= factor }
        }
    }
}
