import Tensor

/// Concatenation fusion: logits = W·[f_1; …; f_M] + b, one linear layer over the joined
/// features.
public final class ConcatFusion {
    /// Feature lengths F_m per modality.
    public let featureCounts: [Int]
    /// Classes (K).
    public let classCount: Int
    /// The weight [K, ΣF]; columns offset_m..<offset_m + F_m belong to modality m.
    public let weight: Parameter
    /// The bias [K]; not weight-decayed.
    public let bias: Parameter

    private let offsets: [Int]
    private let totalFeatures: Int
    private var joined: Tensor?

    /// Makes the layer with PyTorch's default Linear initialisation (uniform ±1/√ΣF).
    public init(featureCounts: [Int], classCount: Int, seed: UInt64) {
        precondition(!featureCounts.isEmpty && featureCounts.allSatisfy { $0 > 0 },
                     "feature counts must be positive, got \(featureCounts)")
        let total = featureCounts.reduce(0, +)
        var generator = SeededGenerator(seed: seed)
        weight = Parameter(name: "fusion.weight", shape: [classCount, total],
                           value: WeightInit.linearDefault(count: classCount * total,
                                                           fanIn: total, generator: &generator))
        bias = Parameter(name: "fusion.bias", shape: [classCount],
                         value: WeightInit.linearDefault(count: classCount, fanIn: total,
                                                         generator: &generator),
                         decays: false)
        self.featureCounts = featureCounts
        self.classCount = classCount
        self.totalFeatures = total
        self.offsets = featureCounts.indices.map { featureCounts[..<$0].reduce(0, +) }
    }

    /// features: [B, F_m] per modality → logits [B, K]; keeps the joined features.
    public func forward(_ features: [Tensor]) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("linear", profiled) }
        let batch = checkFeatures(features)
        let x = join(features, batch: batch)
        joined = x

        return Tensor(shape: [batch, classCount]) { out in
            x.data.withUnsafeBufferPointer { inp in
                weight.value.withUnsafeBufferPointer { w in
                    bias.value.withUnsafeBufferPointer { b in
                        LinearKernel.forward(output: pointer(out), input: pointer(inp),
                                             weight: pointer(w), weightStride: totalFeatures,
                                             bias: pointer(b), batch: batch,
                                             inFeatures: totalFeatures, outFeatures: classCount)
                    }
                }
            }
        }
    }

    /// z_m = W[:, block m]·f_m + b/M for each modality m, [B, K] each; no gradient.
    public func unimodalLogits(_ features: [Tensor]) -> [Tensor] {
        let batch = checkFeatures(features)
        let share = 1 / Float(featureCounts.count)
        return features.indices.map { m in
            Tensor(shape: [batch, classCount]) { out in
                features[m].data.withUnsafeBufferPointer { inp in
                    weight.value.withUnsafeBufferPointer { w in
                        bias.value.withUnsafeBufferPointer { b in
                            LinearKernel.forward(
                                output: pointer(out), input: pointer(inp),
                                weight: pointer(w) + offsets[m], weightStride: totalFeatures,
                                bias: pointer(b), biasScale: share, batch: batch,
                                inFeatures: featureCounts[m], outFeatures: classCount)
                        }
                    }
                }
            }
        }
    }

    /// Accumulates dW, db from d(logits) [B, K]; returns d(features) [B, F_m] per modality.
    public func backward(_ gradLogits: Tensor) -> [Tensor] {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("linear", profiled) }
        guard let x = joined else { preconditionFailure("ConcatFusion.backward before forward") }
        let batch = x.shape[0]
        precondition(gradLogits.shape == [batch, classCount],
                     "fusion: gradient \(gradLogits.shape), logits [\(batch), \(classCount)]")

        let dx = Tensor(shape: x.shape) { dinp in
            x.data.withUnsafeBufferPointer { inp in
                gradLogits.data.withUnsafeBufferPointer { gradOut in
                    weight.value.withUnsafeBufferPointer { w in
                        weight.grad.withUnsafeMutableBufferPointer { dw in
                            bias.grad.withUnsafeMutableBufferPointer { db in
                                LinearKernel.backward(
                                    dInput: pointer(dinp), dWeight: pointer(dw),
                                    dBias: pointer(db), dOutput: pointer(gradOut),
                                    input: pointer(inp), weight: pointer(w),
                                    weightStride: totalFeatures, batch: batch,
                                    inFeatures: totalFeatures, outFeatures: classCount)
                            }
                        }
                    }
                }
            }
        }
        return split(dx, batch: batch)
    }

    /// The weight, then the bias.
    public var parameters: [Parameter] { [weight, bias] }

    /// One group per modality: its column block of the weight, every element a unit per row.
    public var maskableGroups: [MaskableGroup] {
        featureCounts.indices.map { m in
            MaskableGroup(parameter: weight, modality: m,
                          layout: .columnBlock(rows: classCount, columns: totalFeatures,
                                               columnStart: offsets[m],
                                               columnCount: featureCounts[m]))
        }
    }

    private func checkFeatures(_ features: [Tensor]) -> Int {
        precondition(features.count == featureCounts.count,
                     "fusion expects \(featureCounts.count) modalities, got \(features.count)")
        let batch = features[0].shape.first ?? 0
        for (m, f) in features.enumerated() {
            precondition(f.shape == [batch, featureCounts[m]],
                         "modality \(m): expected [\(batch), \(featureCounts[m])], got \(f.shape)")
        }
        return batch
    }

    /// [B, ΣF] with row b = [f_1[b]; …; f_M[b]].
    private func join(_ features: [Tensor], batch: Int) -> Tensor {
        var values = [Float](repeating: 0, count: batch * totalFeatures)
        for (m, f) in features.enumerated() {
            let width = featureCounts[m]
            for b in 0..<batch {
                let row = b * totalFeatures + offsets[m]
                values[row..<(row + width)] = f.data[(b * width)..<((b + 1) * width)]
            }
        }
        return Tensor(shape: [batch, totalFeatures], data: values)
    }

    /// The inverse of `join`.
    private func split(_ x: Tensor, batch: Int) -> [Tensor] {
        featureCounts.indices.map { m in
            let width = featureCounts[m]
            var values: [Float] = []
            values.reserveCapacity(batch * width)
            for b in 0..<batch {
                let row = b * totalFeatures + offsets[m]
                values += x.data[row..<(row + width)]
            }
            return Tensor(shape: [batch, width], data: values)
        }
    }
}
