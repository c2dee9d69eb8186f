/// The reference's image–text training code, which `compat` reproduces on an image + text model
/// instead of its audio–visual code.
///
/// Keep ratios (`KeepRatioEstimator`): `H_Y = −Σ p_k log2(p_k + 1e-8)` in bits,
/// `t_m = (s_m + H_Y) / T` (no offset, no division by `H_m`) and `ρ_m = clamp(softmax(t)_m,
/// 0.1, 0.9)`: the reference hands each modality the other's uni-modal logits, so every
/// modality keeps its own share and the dominant one keeps more. Every ratio is 0.5 when
/// `s_image + H_Y + 0.5 < 0` or `s_text + H_Y + 0.5 ≤ 0` (its two tests differ).
///
/// Masking (`MaskedSubnetworkOptimizer`): fusion rows keep `⌈N·ρ⌉` columns and their masks are
/// applied; AMSS+ weighs a kept unit `1 / (q_j + 1/N + b)` under every sampler, where a fusion
/// element's `q_j` is its share of the whole column block (every class row) and its `N` the
/// number of class rows; an attention head's score sums the importance of its elements.
public struct ImageTextReference: Equatable, Sendable {
    /// The index of the image modality.
    public var image: Int
    /// The index of the text modality.
    public var text: Int
    /// The bias `b` in the AMSS+ weight `1 / (q_j + 1/N + b)`.
    public var weightBias: Double

    /// The weight bias of the reference's published image–text runs.
    public static let publishedWeightBias = 0.2

    /// Describes an image + text model.
    public init(image: Int, text: Int, weightBias: Double = Self.publishedWeightBias) {
        self.image = image
        self.text = text
        self.weightBias = weightBias
    }
}
