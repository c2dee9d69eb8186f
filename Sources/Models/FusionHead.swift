import Tensor

/// A fusion head: joins per-modality features `[B, F_m]` into fused logits `[B, K]`.
///
/// Every head also gives uni-modal logits without extra parameters (METHOD.md §1: a slice of
/// its weights where the head is linear in each modality, otherwise the head applied with every
/// other modality's features set to zero) and declares which of its weights belong to which
/// modality, so that the masking methods can treat any head alike.
public protocol FusionHead: AnyObject {
    /// Feature lengths F_m per modality, in modality order.
    var featureCounts: [Int] { get }
    /// Classes (K).
    var classCount: Int { get }
    /// Every trainable parameter of the head.
    var parameters: [Parameter] { get }
    /// The head's maskable unit groups, each tagged with its modality.
    var maskableGroups: [MaskableGroup] { get }

    /// features: `[B, F_m]` per modality → fused logits `[B, K]`; keeps what backward needs.
    func forward(_ features: [Tensor]) -> Tensor
    /// Uni-modal logits `[B, K]` per modality; no gradient, does not disturb `backward`.
    func unimodalLogits(_ features: [Tensor]) -> [Tensor]
    /// Accumulates the head's gradients from d(logits) `[B, K]`; returns d(features) per
    /// modality.
    func backward(_ gradLogits: Tensor) -> [Tensor]
}

extension ConcatFusion: FusionHead {}
