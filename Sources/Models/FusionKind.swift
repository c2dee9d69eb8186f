/// The fusion heads a model can use, by the name a configuration gives them.
public enum FusionKind: String, CaseIterable, Codable, Sendable {
    /// `ConcatFusion`: one linear layer over the joined features, any number of modalities.
    case concat
    /// `SumFusion`: one linear layer per modality, summed, any number of modalities.
    case sum
    /// `FiLMFusion`: the first modality scales and shifts the second; two modalities.
    case film
    /// `GatedFusion`: the first modality's projection gates the second's; two modalities.
    case gated

    /// Makes a head of `kind` with PyTorch's default Linear initialisation from `seed`.
    ///
    /// FiLM conditions on modality 0 (the reference's `x_film`) and needs no projection for
    /// differing feature lengths (γ, β are as long as modality 1's features). Gated fusion gates
    /// with modality 0 (the reference's `x_gate`) and projects both modalities to a hidden
    /// width D = max F_m (the reference's hidden width equals its input width).
    public static func make(_ kind: FusionKind, featureCounts: [Int], classCount: Int,
                            seed: UInt64) throws(FusionError) -> any FusionHead {
        guard !featureCounts.isEmpty else { throw .noModalities(kind: kind) }
        guard featureCounts.allSatisfy({ $0 > 0 }) else {
            throw .nonPositiveFeatureCount(kind: kind, featureCounts: featureCounts)
        }
        guard classCount > 0 else {
            throw .nonPositiveClassCount(kind: kind, classCount: classCount)
        }
        if kind == .film || kind == .gated, featureCounts.count != 2 {
            throw .needsTwoModalities(kind: kind, modalityCount: featureCounts.count)
        }

        switch kind {
        case .concat:
            return ConcatFusion(featureCounts: featureCounts, classCount: classCount, seed: seed)
        case .sum:
            return SumFusion(featureCounts: featureCounts, classCount: classCount, seed: seed)
        case .film:
            return FiLMFusion(featureCounts: featureCounts, classCount: classCount, seed: seed)
        case .gated:
            return GatedFusion(featureCounts: featureCounts, classCount: classCount,
                               hiddenCount: featureCounts.max() ?? 1, seed: seed)
        }
    }
}
