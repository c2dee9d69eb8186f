import Foundation
import Tensor

/// Masks gradients unit by unit after the backward pass (AMSS, AMSS+), before the optimizer step.
///
/// For every maskable group of modality m it scores the units, keeps
/// `k = ⌈N·ρ_m − 1e-9⌉` (clamped to `[1, N]`) of the `N` units with the sampler, multiplies the
/// gradient of each kept unit by its weight (1 for AMSS, `1 / (q_j + 1/N)` for AMSS+) and sets the
/// gradient of every other unit to zero. A convolution's units are its output filters, an
/// attention projection's its heads (row blocks of Q/K/V, column slices of the output
/// projection), each with one draw per group; a fusion column block draws once per class row.
///
/// With `compat` the reference's audio–visual behaviour is reproduced: fusion rows keep
/// `int(N·ρ)` columns (drawn by top-k when the sampler is `bernoulli`), their AMSS+ weight uses
/// the column index where `q` was meant, and their masks are computed but not applied; AMSS+
/// re-weights other units only under the adaptive sampler. With `compat` and `imageText` the
/// reference's image–text code is reproduced instead (see `ImageTextReference`): fusion rows
/// keep `⌈N·ρ⌉` columns and are applied, AMSS+ weighs kept unit j by `1 / (q_j + 1/N + b)`
/// under every sampler (a fusion element's `q_j` taken over the whole column block, `N` the
/// class rows), and an attention head scores the sum of its elements' importance.
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
    /// Under `compat`, reproduce the reference's image–text code rather than its audio–visual
    /// code; nil for the audio–visual one.
    public let imageText: ImageTextReference?
    /// A design with exact inclusion probabilities replacing the sampler, or nil.
    public let unbiased: UnbiasedDesign?
    /// The source of randomness for the samplers.
    public var generator: Generator

    /// Makes an optimizer stage.
    public init(method: RebalanceMethod, importance: UnitImportance = .gn,
                sampler: UnitSampler = .adaptive, compat: Bool = false,
                imageText: ImageTextReference? = nil, unbiased: UnbiasedDesign? = nil,
                generator: Generator) {
        self.method = method
        self.importance = importance
        self.sampler = sampler
        self.compat = compat
        self.imageText = compat ? imageText : nil
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
                guard let geometry = UnitGeometry.leading(valueCount: checkedCount(group),
                                                          unitCount: unitCount) else {
                    throw RebalanceError(parameter: name, reason: "\(group.parameter.count) "
                                         + "values do not split into \(unitCount) equal units")
                }
                masks.append(maskUnits(group, geometry, keepRatio: keepRatio, row: nil,
                                       fusion: false,
                                       summingElements: group.parameter.shape.count == 2))
            case .trailingAxis(let unitCount):
                let columns = group.parameter.shape.last ?? 0
                guard let geometry = UnitGeometry.trailing(valueCount: checkedCount(group),
                                                           columns: columns,
                                                           unitCount: unitCount) else {
                    throw RebalanceError(parameter: name, reason: "the \(columns) columns of "
                                         + "shape \(group.parameter.shape) do not split into "
                                         + "\(unitCount) equal column slices")
                }
                masks.append(maskUnits(group, geometry, keepRatio: keepRatio, row: nil,
                                       fusion: false, summingElements: true))
            case .columnBlock(let rows, let columns, let columnStart, let columnCount):
                guard rows > 0, columns > 0, rows * columns == checkedCount(group),
                      columnStart >= 0, columnCount > 0, columnStart + columnCount <= columns
                else {
                    throw RebalanceError(parameter: name, reason: "column block "
                                         + "\(columnStart)..<\(columnStart + columnCount) of "
                                         + "[\(rows), \(columns)] does not fit "
                                         + "\(group.parameter.count) gradient values")
                }
                let geometries = (0..<rows).map {
                    UnitGeometry.rowElements(row: $0, columns: columns, start: columnStart,
                                             count: columnCount)
                }
                let rowScores = geometries.map { scores(of: group, $0, summingElements: false) }
                // The image–text reference's AMSS+ shares are taken over the whole block.
                let share = imageText.map { _ in
                    (rowScores.reduce(0.0) { $0 + Self.informativeTotal($1) }, rows)
                }
                for row in 0..<rows {
                    masks.append(maskUnits(group, geometries[row], keepRatio: keepRatio,
                                           row: row, fusion: true, scores: rowScores[row],
                                           share: share))
                }
            }
        }
        return masks
    }

    // MARK: - One draw

    /// The parameter's value count, or −1 when its gradient and value sizes differ (which no
    /// layout accepts).
    private func checkedCount(_ group: MaskableGroup) -> Int {
        group.parameter.grad.count == group.parameter.value.count ? group.parameter.count : -1
    }

    /// The importance of every unit of one draw; with `summingElements` under the image–text
    /// reference, the sum of the unit's per-element importance (its attention heads).
    private func scores(of group: MaskableGroup, _ geometry: UnitGeometry,
                        summingElements: Bool) -> [Double] {
        let parameter = group.parameter
        let elementwise = summingElements && imageText != nil
        return parameter.grad.withUnsafeBufferPointer { gradient in
            parameter.value.withUnsafeBufferPointer { weight in
                geometry.scores(importance, gradient: gradient, weight: weight,
                                summingElements: elementwise)
            }
        }
    }

    /// Scores the units of one draw, keeps `k` of them and writes the mask into the gradient.
    ///
    /// `fusion` marks a fusion-layer row: under the audio–visual compat, `int(N·ρ)` units,
    /// index weights and no application. Elsewhere that compat re-weights (AMSS+) only under
    /// the adaptive sampler. `share` gives the image–text reference's AMSS+ `Σ s` and `N` when
    /// they are not the draw's own (a fusion row's: the block's total and its class rows).
    private func maskUnits(_ group: MaskableGroup, _ geometry: UnitGeometry, keepRatio: Double,
                           row: Int?, fusion: Bool, summingElements: Bool = false,
                           scores given: [Double]? = nil,
                           share: (total: Double, count: Int)? = nil) -> UnitMask {
        let parameter = group.parameter
        let unitCount = geometry.unitCount
        let scores = given ?? scores(of: group, geometry, summingElements: summingElements)
        let audioVisualFusion = compat && fusion && imageText == nil
        let count = Self.keepCount(unitCount: unitCount, keepRatio: keepRatio,
                                   truncating: audioVisualFusion)

        let kept: [Int]
        let weights: [Float]
        if let design = unbiased {
            (kept, weights) = draw(design, scores: scores, count: count)
        } else {
            let drawer = audioVisualFusion && sampler == .bernoulli ? UnitSampler.topk : sampler
            kept = drawer.select(scores: scores, count: count, using: &generator)
            if method != .amssPlus {
                weights = [Float](repeating: 1, count: kept.count)
            } else if let reference = imageText {
                let (total, units) = share ?? (Self.informativeTotal(scores), unitCount)
                weights = Self.biasedWeights(kept: kept, scores: scores, total: total,
                                             unitCount: units, bias: reference.weightBias)
            } else if compat && fusion {
                // The reference's fusion rows use the kept column index where q was meant,
                // with 1/N taken over the class rows.
                let rows = Double(parameter.count / max(1, parameter.shape.last ?? 1))
                weights = kept.map { Float(1 / (Double($0) + 1 / rows)) }
            } else if compat && sampler != .adaptive {
                weights = [Float](repeating: 1, count: kept.count)
            } else {
                weights = Self.unbiasingWeights(kept: kept, scores: scores)
            }
        }

        let applies = !audioVisualFusion
        if applies {
            var factors = [Float](repeating: 0, count: unitCount)
            for (unit, weight) in zip(kept, weights) { factors[unit] = weight }
            parameter.grad.withUnsafeMutableBufferPointer { values in
                geometry.scale(values, by: factors)
            }
        }
        return UnitMask(parameter: parameter.name, modality: group.modality, row: row,
                        unitCount: unitCount, kept: kept, weights: weights, applied: applies)
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
        biasedWeights(kept: kept, scores: scores, total: informativeTotal(scores),
                      unitCount: scores.count, bias: 0)
    }

    /// The image–text reference's AMSS+ weights `1 / (q_j + 1/N + b)`, `q_j = s_j / total`.
    ///
    /// Units whose score is not finite and positive (or a total that is not) have `q_j = 0`.
    static func biasedWeights(kept: [Int], scores: [Double], total: Double, unitCount: Int,
                              bias: Double) -> [Float] {
        let uniform = 1 / Double(max(1, unitCount))
        return kept.map { unit in
            let score = scores[unit]
            let share = score.isFinite && score > 0 && total > 0 && total.isFinite
                ? score / total : 0
            return Float(1 / (share + uniform + bias))
        }
    }

    /// `Σ s` over the informative (finite, positive) scores.
    static func informativeTotal(_ scores: [Double]) -> Double {
        UnitSelection.informative(scores).reduce(0.0) { $0 + scores[$1] }
    }
}
