import Foundation

// LIMITATION: under compat `s_m`, `H_Y` and `t_m` are computed in Float64 and rounded to Float32
// only before the softmax, where the reference computes them in Float32 throughout — a ratio
// can differ from the reference's in about the seventh significant digit.

/// Turns a batch's uni-modal logits and features into one keep ratio per modality.
///
/// For each modality m: `t_m = (s_m + H_Y + c) / H_m / T` and
/// `ρ_m = clamp(1 − softmax(t)_m + bias, 0.1, 0.9)`, so the modality with the larger modal
/// significance keeps fewer units. If any `s_m + H_Y + c ≤ 0` every ratio is 0.5 (unclamped); a
/// NaN ratio becomes 0.5. The softmax is shifted by its maximum unless `compat` asks for the
/// reference's naive Float32 `exp`, which overflows (and so yields 0.5) once `t` passes ~88.7,
/// and clamps to the Float32 values of 0.1 and 0.9 as the reference does.
///
/// With `imageText` set (the trainer sets it only under compat, on an image + text model) the
/// rule is the reference's image–text variant instead (see `ImageTextReference`).
public struct KeepRatioEstimator: Sendable {
    /// The temperature `T` (0.2 for audio–visual data).
    public var temperature: Double
    /// Added to every ratio before clamping.
    public var bias: Double
    /// The offset `c` added to every significance.
    public var offset: Double
    /// Reproduce the reference: `CrossEntropy(p, p)` for `H_Y`, naive Float32 softmax.
    public var compat: Bool
    /// The reference's image–text variant and which modality is the image, or nil.
    public var imageText: ImageTextReference?

    /// The smallest ratio after clamping.
    public static let lowerBound = 0.1
    /// The largest ratio after clamping.
    public static let upperBound = 0.9
    /// The ratio used by the fallbacks.
    public static let neutralRatio = 0.5

    /// Makes an estimator; the defaults are the paper's audio–visual settings.
    public init(temperature: Double = 0.2, bias: Double = 0, offset: Double = 0.5,
                compat: Bool = false, imageText: ImageTextReference? = nil) {
        self.temperature = temperature
        self.bias = bias
        self.offset = offset
        self.compat = compat
        self.imageText = imageText
    }

    /// The variant in effect for `modalityCount` modalities: `imageText` when it names two
    /// distinct modalities of two, else nil (the rule of METHOD.md §2).
    func imageTextVariant(modalityCount: Int) -> ImageTextReference? {
        guard let reference = imageText, modalityCount == 2,
              Set([reference.image, reference.text]) == [0, 1] else { return nil }
        return reference
    }

    /// The clamping interval: `[0.1, 0.9]`, or its Float32 values when reproducing the
    /// reference (`Float(0.1)` is 0.10000000149…, so that `⌈10·ρ⌉` is 2 there as well).
    private var bounds: (lower: Double, upper: Double) {
        guard compat || imageText != nil else { return (Self.lowerBound, Self.upperBound) }
        return (Double(Float(Self.lowerBound)), Double(Float(Self.upperBound)))
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
        let labelEntropy = imageTextVariant(modalityCount: modalityCount) != nil
            ? ModalSignificance.labelEntropyBits(labels: labels)
            : ModalSignificance.labelEntropy(labels: labels, classCount: classCount,
                                             compat: compat)
        return estimate(significance: significance, featureEntropy: entropy,
                        labelEntropy: labelEntropy)
    }

    /// The keep ratios from already computed statistics `s_m`, `H_m` and `H_Y`.
    ///
    /// With fewer than two modalities there is nothing to rebalance and every ratio is 1.
    /// Under the image–text variant `H_Y` is in bits and `H_m` is not used.
    public func estimate(significance: [Double], featureEntropy: [Double],
                         labelEntropy: Double) -> KeepRatios {
        let modalityCount = min(significance.count, featureEntropy.count)
        if let reference = imageTextVariant(modalityCount: modalityCount) {
            return imageTextRatios(reference, significance: Array(significance.prefix(2)),
                                   featureEntropy: Array(featureEntropy.prefix(2)),
                                   labelEntropy: labelEntropy)
        }
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
        let ratios = shares.map { clamped(1 - $0 + bias) }
        return result(ratios, fallback: false)
    }

    /// The reference's image–text rule for two modalities: `t_m = (s_m + H_Y) / T`,
    /// `ρ_m = clamp(softmax(t)_m)` with the naive Float32 softmax; every ratio 0.5 when
    /// `s_image + H_Y + c < 0` or `s_text + H_Y + c ≤ 0` (`c` = `offset`, 0.5).
    private func imageTextRatios(_ reference: ImageTextReference, significance: [Double],
                                 featureEntropy: [Double], labelEntropy: Double) -> KeepRatios {
        let scaled = significance.map { ($0 + labelEntropy) / temperature }
        let imageTest = significance[reference.image] + labelEntropy + offset
        let textTest = significance[reference.text] + labelEntropy + offset
        let fallback = imageTest < 0 || textTest <= 0

        let ratios = fallback ? [Self.neutralRatio, Self.neutralRatio]
                              : Self.naiveSoftmax(scaled).map(clamped)
        return KeepRatios(ratios: ratios, significance: significance,
                          featureEntropy: featureEntropy, labelEntropy: labelEntropy,
                          scaledSignificance: scaled, usedFallback: fallback)
    }

    /// A ratio clamped to `bounds`; NaN becomes the neutral ratio 0.5.
    private func clamped(_ ratio: Double) -> Double {
        if ratio.isNaN { return Self.neutralRatio }
        return min(max(ratio, bounds.lower), bounds.upper)
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
