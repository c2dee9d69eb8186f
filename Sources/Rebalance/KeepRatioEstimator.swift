import Foundation

// LIMITATION: the reference's image–text variant (entropy in bits, no division by H_m, c = 0,
// logits swapped at the call site) is not reproduced under compat — its swap makes the dominant
// modality keep more, the opposite of the paper's rule; `amss train` only takes its T = 0.5 for
// caches with text.

/// Turns a batch's uni-modal logits and features into one keep ratio per modality.
///
/// For each modality m: `t_m = (s_m + H_Y + c) / H_m / T` and
/// `ρ_m = clamp(1 − softmax(t)_m + bias, 0.1, 0.9)`, so the modality with the larger modal
/// significance keeps fewer units. If any `s_m + H_Y + c ≤ 0` every ratio is 0.5 (unclamped); a
/// NaN ratio becomes 0.5. The softmax is shifted by its maximum unless `compat` asks for the
/// reference's naive Float32 `exp`, which overflows (and so yields 0.5) once `t` passes ~88.7.
public struct KeepRatioEstimator: Sendable {
    /// The temperature `T` (0.2 for audio–visual data).
    public var temperature: Double
    /// Added to every ratio before clamping.
    public var bias: Double
    /// The offset `c` added to every significance.
    public var offset: Double
    /// Reproduce the reference: `CrossEntropy(p, p)` for `H_Y`, naive Float32 softmax.
    public var compat: Bool

    /// The smallest ratio after clamping.
    public static let lowerBound = 0.1
    /// The largest ratio after clamping.
    public static let upperBound = 0.9
    /// The ratio used by the fallbacks.
    public static let neutralRatio = 0.5

    /// Makes an estimator; the defaults are the paper's audio–visual settings.
    public init(temperature: Double = 0.2, bias: Double = 0, offset: Double = 0.5,
                compat: Bool = false) {
        self.temperature = temperature
        self.bias = bias
        self.offset = offset
        self.compat = compat
    }

    /// The keep ratios of one batch.
    ///
    /// - Parameters:
    ///   - logits: per modality, the row-major `[B, K]` uni-modal logits `z_m`.
    ///   - features: per modality, the row-major `[B, F_m]` feature vectors `f_m`.
    ///   - featureCounts: per modality, `F_m`.
    ///   - labels: the `B` class indices.
    ///   - classCount: `K`.
    public func estimate(logits: [[Float]], features: [[Float]], featureCounts: [Int],
                         labels: [Int], classCount: Int) -> KeepRatios {
        let modalityCount = min(logits.count, features.count, featureCounts.count)
        let significance = (0..<modalityCount).map {
            ModalSignificance.significance(logits: logits[$0], classCount: classCount,
                                           labels: labels)
        }
        let entropy = (0..<modalityCount).map {
            ModalSignificance.featureEntropy(features: features[$0],
                                             featureCount: featureCounts[$0])
        }
        let labelEntropy = ModalSignificance.labelEntropy(labels: labels,
                                                          classCount: classCount,
                                                          compat: compat)
        return estimate(significance: significance, featureEntropy: entropy,
                        labelEntropy: labelEntropy)
    }

    /// The keep ratios from already computed statistics `s_m`, `H_m` and `H_Y`.
    ///
    /// With fewer than two modalities there is nothing to rebalance and every ratio is 1.
    public func estimate(significance: [Double], featureEntropy: [Double],
                         labelEntropy: Double) -> KeepRatios {
        let modalityCount = min(significance.count, featureEntropy.count)
        let numerators = (0..<modalityCount).map { significance[$0] + labelEntropy + offset }
        let scaled = (0..<modalityCount).map {
            numerators[$0] / featureEntropy[$0] / temperature
        }

        func result(_ ratios: [Double], fallback: Bool) -> KeepRatios {
            KeepRatios(ratios: ratios, significance: Array(significance.prefix(modalityCount)),
                       featureEntropy: Array(featureEntropy.prefix(modalityCount)),
                       labelEntropy: labelEntropy, scaledSignificance: scaled,
                       usedFallback: fallback)
        }

        guard modalityCount >= 2 else {
            return result([Double](repeating: 1, count: modalityCount), fallback: false)
        }
        if numerators.contains(where: { $0 <= 0 }) {
            return result([Double](repeating: Self.neutralRatio, count: modalityCount),
                          fallback: true)
        }

        let shares = compat ? Self.naiveSoftmax(scaled) : Self.stableSoftmax(scaled)
        let ratios = shares.map { share -> Double in
            let ratio = 1 - share + bias
            if ratio.isNaN { return Self.neutralRatio }
            return min(max(ratio, Self.lowerBound), Self.upperBound)
        }
        return result(ratios, fallback: false)
    }

    /// `softmax(t)` in Float64 after subtracting the maximum.
    static func stableSoftmax(_ values: [Double]) -> [Double] {
        let largest = values.reduce(-Double.infinity) { max($0, $1) }
        let hasNaN = values.contains { $0.isNaN }
        let exponentials = values.map { hasNaN ? Double.nan : exp($0 - largest) }
        let sum = exponentials.reduce(0, +)
        return exponentials.map { $0 / sum }
    }

    /// `softmax(t)` as the reference evaluates it: `exp` of each Float32 value, then divided by
    /// their Float32 sum (overflow gives `inf / inf = NaN`).
    static func naiveSoftmax(_ values: [Double]) -> [Double] {
        let exponentials = values.map { exp(Float($0)) }
        let sum = exponentials.reduce(Float(0), +)
        return exponentials.map { Double($0 / sum) }
    }
}
