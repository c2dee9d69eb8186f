import Tensor

/// Sum fusion: logits = Σ_m (W_m·f_m + b_m), one linear layer per modality, summed.
///
/// Parameters `fusion.<m>.weight` `[K, F_m]` and `fusion.<m>.bias` `[K]`, m the modality index.
/// The head is linear in each modality, so the uni-modal logits are the modality's own layer,
/// z_m = W_m·f_m + b_m (METHOD.md §1), and each W_m is the maskable group of modality m, every
/// element a unit per class row (METHOD.md §3).
public final class SumFusion: FusionHead {
    /// Feature lengths F_m per modality.
    public let featureCounts: [Int]
    /// Classes (K).
    public let classCount: Int
    /// The per-modality layers F_m → K, in modality order.
    public let layers: [Linear]

    /// Makes the layers with PyTorch's default Linear initialisation (uniform ±1/√F_m), drawn
    /// from one generator in modality order, weight before bias.
    public init(featureCounts: [Int], classCount: Int, seed: UInt64) {
        precondition(!featureCounts.isEmpty && featureCounts.allSatisfy { $0 > 0 },
                     "feature counts must be positive, got \(featureCounts)")
        precondition(classCount > 0, "class count must be positive, got \(classCount)")
        var generator = SeededGenerator(seed: seed)
        var layers: [Linear] = []
        for (m, count) in featureCounts.enumerated() {
            layers.append(Linear(name: "fusion.\(m)", inFeatures: count, outFeatures: classCount,
                                 generator: &generator))
        }
        self.layers = layers
        self.featureCounts = featureCounts
        self.classCount = classCount
    }

    /// features: `[B, F_m]` per modality → logits `[B, K]`; every layer keeps its input.
    public func forward(_ features: [Tensor]) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("linear", profiled) }
        let batch = checkedBatch(features)

        var logits = Tensor(zeros: [batch, classCount])
        for (layer, f) in zip(layers, features) {
            let z = layer.forward(f)
            for index in logits.data.indices { logits.data[index] += z.data[index] }
        }
        return logits
    }

    /// z_m = W_m·f_m + b_m for each modality m, `[B, K]` each; no gradient.
    public func unimodalLogits(_ features: [Tensor]) -> [Tensor] {
        _ = checkedBatch(features)
        return zip(layers, features).map { layer, f in layer.apply(f) }
    }

    /// Accumulates every dW_m, db_m from d(logits) `[B, K]`; returns d(f_m) `[B, F_m]`.
    public func backward(_ gradLogits: Tensor) -> [Tensor] {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("linear", profiled) }
        return layers.map { $0.backward(gradLogits) }
    }

    /// Each modality's weight then bias, in modality order.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// One group per modality: the whole of W_m, every element a unit per class row.
    public var maskableGroups: [MaskableGroup] {
        layers.enumerated().map { m, layer in
            MaskableGroup(parameter: layer.weight, modality: m,
                          layout: .columnBlock(rows: classCount, columns: layer.inFeatures,
                                               columnStart: 0, columnCount: layer.inFeatures))
        }
    }
}
