/// How a unit's importance score is computed from its gradient `G` and its weight `W`.
///
/// All sums run in Float64 over the unit's values. The scores are normalised by the caller into
/// sampling probabilities `q_j = s_j / Σ s`.
public enum UnitImportance: String, Codable, CaseIterable, Sendable {
    /// `Σ G²`: the diagonal empirical Fisher information of the unit (the default).
    case gn
    /// `Σ G² / Σ W²`: squared gradient norm relative to squared weight norm.
    case gnWn = "gn_wn"
    /// `√(Σ G²)`: the gradient's Euclidean norm.
    case sqrtGn = "sqrt_gn"

    /// The score of one unit from its summed squared gradient and summed squared weight.
    ///
    /// The result may be zero, infinite or NaN (e.g. `gn_wn` on an all-zero weight); samplers
    /// treat every score that is not finite and positive as "no information".
    public func score(gradientSquareSum: Double, weightSquareSum: Double) -> Double {
        switch self {
        case .gn: return gradientSquareSum
        case .gnWn: return gradientSquareSum / weightSquareSum
        case .sqrtGn: return gradientSquareSum.squareRoot()
        }
    }

    /// The score of a contiguous slice of a gradient and its weights.
    ///
    /// - Parameters:
    ///   - gradient: the full gradient of the parameter (an array or a buffer).
    ///   - weight: the full values of the parameter (same size).
    ///   - range: the indices that make up the unit.
    public func score<Values: RandomAccessCollection>(
        gradient: Values, weight: Values, range: Range<Int>
    ) -> Double where Values.Element == Float, Values.Index == Int {
        var gradientSquares = 0.0
        var weightSquares = 0.0
        for index in range {
            let g = Double(gradient[index])
            gradientSquares += g * g
            if self == .gnWn {
                let w = Double(weight[index])
                weightSquares += w * w
            }
        }
        return score(gradientSquareSum: gradientSquares, weightSquareSum: weightSquares)
    }
}
