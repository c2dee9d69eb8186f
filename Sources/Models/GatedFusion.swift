import Foundation
import Tensor

/// Gated fusion of two modalities: one modality's projection, through a sigmoid, gates the
/// other's projection, then a linear layer gives the logits (Kiela et al., "Efficient
/// Large-Scale Multi-Modal Classification").
///
/// u_m = W_m·f_m + b_m (F_m → D), with g the gating modality (`gateModality`) and o the other:
/// h = σ(u_g) ⊙ u_o, logits = W_out·h + b_out. Parameters `fusion.0.weight` `[D, F_0]`,
/// `fusion.1.weight` `[D, F_1]`, `fusion.out.weight` `[K, D]` and their biases. Both
/// modalities are projected to the hidden width D, so differing feature lengths are allowed.
///
/// Uni-modal logits: the head applied with the other modality's features set to zero
/// (METHOD.md §1), so the zeroed modality contributes only its bias b_m.
///
/// Maskable groups (every element a unit per row, METHOD.md §3): `fusion.<m>.weight` belongs to
/// modality m, whose features it reads; `fusion.out.weight` belongs to the gated modality o,
/// since column j of it reads h_j = σ(u_g)_j·u_o,j, the gated modality's projection scaled by
/// the gate (as FiLM's output layer belongs to its conditioned modality). Biases are never
/// masked.
public final class GatedFusion: FusionHead {
    /// Feature lengths F_m per modality (two).
    public let featureCounts: [Int]
    /// Classes (K).
    public let classCount: Int
    /// The hidden width D of both projections.
    public let hiddenCount: Int
    /// The index of the gating modality g (the reference's `x_gate`: 0).
    public let gateModality: Int
    /// The index of the gated modality o.
    public let gatedModality: Int
    /// The per-modality projections F_m → D, in modality order.
    public let projections: [Linear]
    /// h → logits, D → K.
    public let out: Linear

    private var gate: Tensor?
    private var gated: Tensor?

    /// Makes the layers with PyTorch's default Linear initialisation (uniform ±1/√fan-in),
    /// drawn from one generator: `fusion.0`, `fusion.1`, then `fusion.out` (weight, bias each).
    public init(featureCounts: [Int], classCount: Int, hiddenCount: Int, gateModality: Int = 0,
                seed: UInt64) {
        precondition(featureCounts.count == 2 && featureCounts.allSatisfy { $0 > 0 },
                     "gated fusion needs two positive feature counts, got \(featureCounts)")
        precondition(classCount > 0 && hiddenCount > 0,
                     "class and hidden counts must be positive, got \(classCount), \(hiddenCount)")
        precondition(gateModality == 0 || gateModality == 1,
                     "gate modality must be 0 or 1, got \(gateModality)")
        var generator = SeededGenerator(seed: seed)
        var projections: [Linear] = []
        for (m, count) in featureCounts.enumerated() {
            projections.append(Linear(name: "fusion.\(m)", inFeatures: count,
                                      outFeatures: hiddenCount, generator: &generator))
        }
        self.projections = projections
        out = Linear(name: "fusion.out", inFeatures: hiddenCount, outFeatures: classCount,
                     generator: &generator)
        self.featureCounts = featureCounts
        self.classCount = classCount
        self.hiddenCount = hiddenCount
        self.gateModality = gateModality
        self.gatedModality = 1 - gateModality
    }

    /// features: `[B, F_m]` per modality → logits `[B, K]`; keeps σ(u_g) and u_o.
    public func forward(_ features: [Tensor]) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("linear", profiled) }
        _ = checkedBatch(features)

        let s = sigmoid(projections[gateModality].forward(features[gateModality]))
        let u = projections[gatedModality].forward(features[gatedModality])
        gate = s
        gated = u

        return out.forward(product(s, u))
    }

    /// z_m = the head on f_m with the other modality's features zeroed, `[B, K]` each; no
    /// gradient, and the state kept by `forward` is left as it was.
    public func unimodalLogits(_ features: [Tensor]) -> [Tensor] {
        _ = checkedBatch(features)
        return features.indices.map { m in
            let only = keepingOnly(m, of: features)
            let s = sigmoid(projections[gateModality].apply(only[gateModality]))
            let u = projections[gatedModality].apply(only[gatedModality])
            return out.apply(product(s, u))
        }
    }

    /// Accumulates the gradients of all three layers from d(logits) `[B, K]`; returns d(f_m)
    /// `[B, F_m]` in modality order.
    public func backward(_ gradLogits: Tensor) -> [Tensor] {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("linear", profiled) }
        guard let s = gate, let u = gated else {
            preconditionFailure("GatedFusion.backward before forward")
        }

        let dh = out.backward(gradLogits)

        var dGate = Tensor(zeros: s.shape)
        var dGated = Tensor(zeros: u.shape)
        for index in dh.data.indices {
            let g = dh.data[index], sigma = s.data[index]
            dGated.data[index] = g * sigma
            dGate.data[index] = g * u.data[index] * sigma * (1 - sigma)
        }

        let dGateFeatures = projections[gateModality].backward(dGate)
        let dGatedFeatures = projections[gatedModality].backward(dGated)
        return gateModality == 0 ? [dGateFeatures, dGatedFeatures]
            : [dGatedFeatures, dGateFeatures]
    }

    /// `fusion.0`'s weight and bias, `fusion.1`'s, then `fusion.out`'s.
    public var parameters: [Parameter] {
        projections.flatMap(\.parameters) + out.parameters
    }

    /// `fusion.<m>.weight` for modality m, `fusion.out.weight` for the gated modality; every
    /// element a unit per row.
    public var maskableGroups: [MaskableGroup] {
        let owners = projections.enumerated().map { ($1, $0) } + [(out, gatedModality)]
        return owners.map { layer, m in
            MaskableGroup(parameter: layer.weight, modality: m,
                          layout: .columnBlock(rows: layer.outFeatures,
                                               columns: layer.inFeatures, columnStart: 0,
                                               columnCount: layer.inFeatures))
        }
    }

    /// The logistic function of every value, 1 / (1 + e^−x).
    private func sigmoid(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map { 1 / (1 + exp(-$0)) })
    }

    /// The element-wise product of two tensors of one shape.
    private func product(_ a: Tensor, _ b: Tensor) -> Tensor {
        Tensor(shape: a.shape, data: zip(a.data, b.data).map { $0 * $1 })
    }
}
