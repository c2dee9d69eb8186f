/// The keep ratios of one batch and the statistics they came from.
public struct KeepRatios: Sendable {
    /// `ρ_m`, one per modality, in modality order.
    public let ratios: [Double]
    /// `s_m = −mean CE(z_m, y)` per modality.
    public let significance: [Double]
    /// `H_m`, the mean entropy of the softmax over each modality's feature dimensions.
    public let featureEntropy: [Double]
    /// `H_Y`, the label-histogram entropy (or its reference variant under compat).
    public let labelEntropy: Double
    /// `t_m = (s_m + H_Y + c) / H_m / T` per modality.
    public let scaledSignificance: [Double]
    /// Whether the "some `s_m + H_Y + c ≤ 0`" fallback set every ratio to 0.5.
    public let usedFallback: Bool

    /// Makes a result.
    public init(ratios: [Double], significance: [Double], featureEntropy: [Double],
                labelEntropy: Double, scaledSignificance: [Double], usedFallback: Bool) {
        self.ratios = ratios
        self.significance = significance
        self.featureEntropy = featureEntropy
        self.labelEntropy = labelEntropy
        self.scaledSignificance = scaledSignificance
        self.usedFallback = usedFallback
    }
}
