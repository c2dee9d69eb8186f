import Tensor

/// FiLM fusion of two modalities: one modality's features scale and shift the other's, then a
/// linear layer gives the logits (Perez et al., "FiLM: Visual Reasoning with a General
/// Conditioning Layer").
///
/// With c the conditioning modality (`filmModality`) and o the other one:
/// [γ; β] = W_film·f_c + b_film, h = γ ⊙ f_o + β, logits = W_out·h + b_out.
/// γ and β are as long as f_o (D = F_o) and f_o is used as it is, without a projection, as in
/// the reference (whose hidden width must equal its input width); differing feature lengths
/// F_c ≠ F_o are therefore allowed. Parameters: `fusion.film.weight` `[2·F_o, F_c]`,
/// `fusion.film.bias` `[2·F_o]` (rows 0..<F_o give γ, the rest β), `fusion.out.weight`
/// `[K, F_o]`, `fusion.out.bias` `[K]`.
///
/// Uni-modal logits: the head applied with the other modality's features set to zero
/// (METHOD.md §1); z_c = W_out·β(f_c) + b_out and z_o = W_out·(b_γ ⊙ f_o + b_β) + b_out.
///
/// Maskable groups (every element a unit per row, METHOD.md §3): `fusion.film.weight` belongs
/// to the conditioning modality, whose features it reads; `fusion.out.weight` belongs to the
/// conditioned modality, since column j of it reads h_j, which is feature j of f_o scaled and
/// shifted. Biases are never masked.
public final class FiLMFusion: FusionHead {
    /// Feature lengths F_m per modality (two).
    public let featureCounts: [Int]
    /// Classes (K).
    public let classCount: Int
    /// The index of the conditioning modality c (the reference's `x_film`: 0).
    public let filmModality: Int
    /// The index of the conditioned modality o.
    public let conditionedModality: Int
    /// f_c → [γ; β], F_c → 2·F_o.
    public let film: Linear
    /// h → logits, F_o → K.
    public let out: Linear

    private var modulation: Tensor?
    private var conditioned: Tensor?

    /// Makes the layers with PyTorch's default Linear initialisation (uniform ±1/√fan-in),
    /// drawn from one generator: `film` (weight, bias), then `out`.
    public init(featureCounts: [Int], classCount: Int, filmModality: Int = 0, seed: UInt64) {
        precondition(featureCounts.count == 2 && featureCounts.allSatisfy { $0 > 0 },
                     "FiLM fusion needs two positive feature counts, got \(featureCounts)")
        precondition(classCount > 0, "class count must be positive, got \(classCount)")
        precondition(filmModality == 0 || filmModality == 1,
                     "film modality must be 0 or 1, got \(filmModality)")
        let other = 1 - filmModality
        let width = featureCounts[other]
        var generator = SeededGenerator(seed: seed)
        film = Linear(name: "fusion.film", inFeatures: featureCounts[filmModality],
                      outFeatures: 2 * width, generator: &generator)
        out = Linear(name: "fusion.out", inFeatures: width, outFeatures: classCount,
                     generator: &generator)
        self.featureCounts = featureCounts
        self.classCount = classCount
        self.filmModality = filmModality
        self.conditionedModality = other
    }

    /// features: `[B, F_m]` per modality → logits `[B, K]`; keeps [γ; β] and f_o.
    public func forward(_ features: [Tensor]) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("linear", profiled) }
        _ = checkedBatch(features)

        let p = film.forward(features[filmModality])
        let x = features[conditionedModality]
        modulation = p
        conditioned = x

        return out.forward(modulate(x, by: p))
    }

    /// z_m = the head on f_m with the other modality's features zeroed, `[B, K]` each; no
    /// gradient, and the state kept by `forward` is left as it was.
    public func unimodalLogits(_ features: [Tensor]) -> [Tensor] {
        _ = checkedBatch(features)
        return features.indices.map { m in
            let only = keepingOnly(m, of: features)
            let p = film.apply(only[filmModality])
            return out.apply(modulate(only[conditionedModality], by: p))
        }
    }

    /// Accumulates the gradients of both layers from d(logits) `[B, K]`; returns d(f_m)
    /// `[B, F_m]` in modality order.
    public func backward(_ gradLogits: Tensor) -> [Tensor] {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("linear", profiled) }
        guard let p = modulation, let x = conditioned else {
            preconditionFailure("FiLMFusion.backward before forward")
        }
        let width = featureCounts[conditionedModality]
        let batch = x.shape[0]

        let dh = out.backward(gradLogits)

        var dp = Tensor(zeros: p.shape)
        var dx = Tensor(zeros: x.shape)
        for b in 0..<batch {
            for j in 0..<width {
                let g = dh.data[b * width + j]
                dp.data[b * 2 * width + j] = g * x.data[b * width + j]
                dp.data[b * 2 * width + width + j] = g
                dx.data[b * width + j] = g * p.data[b * 2 * width + j]
            }
        }

        let dFilm = film.backward(dp)
        return filmModality == 0 ? [dFilm, dx] : [dx, dFilm]
    }

    /// `film`'s weight and bias, then `out`'s.
    public var parameters: [Parameter] { film.parameters + out.parameters }

    /// `fusion.film.weight` for the conditioning modality, `fusion.out.weight` for the
    /// conditioned one; every element a unit per row.
    public var maskableGroups: [MaskableGroup] {
        [(film, filmModality), (out, conditionedModality)].map { layer, m in
            MaskableGroup(parameter: layer.weight, modality: m,
                          layout: .columnBlock(rows: layer.outFeatures,
                                               columns: layer.inFeatures, columnStart: 0,
                                               columnCount: layer.inFeatures))
        }
    }

    /// h = γ ⊙ x + β for x `[B, D]` and p = [γ; β] `[B, 2·D]`.
    private func modulate(_ x: Tensor, by p: Tensor) -> Tensor {
        let width = x.shape[1]
        var h = Tensor(zeros: x.shape)
        for b in 0..<x.shape[0] {
            for j in 0..<width {
                let row = b * 2 * width
                h.data[b * width + j] = p.data[row + j] * x.data[b * width + j]
                    + p.data[row + width + j]
            }
        }
        return h
    }
}
