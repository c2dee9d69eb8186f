import Tensor

/// A fully connected layer y = x·Wᵀ + b over the last axis, keeping its input for backward.
///
/// Every leading axis is a batch axis: x [..., in] → y [..., out].
public final class Linear {
    /// The weight [out, in].
    public let weight: Parameter
    /// The bias [out]; not weight-decayed.
    public let bias: Parameter
    /// Input features.
    public let inFeatures: Int
    /// Output features.
    public let outFeatures: Int

    private var input: Tensor?

    /// Makes a layer named `name` (`name.weight`, `name.bias`).
    ///
    /// With `standardDeviation` nil: PyTorch's default initialisation (weight and bias uniform
    /// on ±1/√in); otherwise weight N(0, σ²) and bias 0 (BERT's initialisation, σ = 0.02).
    public init(name: String, inFeatures: Int, outFeatures: Int,
                standardDeviation: Float? = nil, generator: inout SeededGenerator) {
        let count = inFeatures * outFeatures
        let weights: [Float], biases: [Float]
        if let std = standardDeviation {
            weights = (0..<count).map { _ in std * generator.nextNormal() }
            biases = [Float](repeating: 0, count: outFeatures)
        } else {
            weights = WeightInit.linearDefault(count: count, fanIn: inFeatures,
                                               generator: &generator)
            biases = WeightInit.linearDefault(count: outFeatures, fanIn: inFeatures,
                                              generator: &generator)
        }
        weight = Parameter(name: name + ".weight", shape: [outFeatures, inFeatures],
                           value: weights)
        bias = Parameter(name: name + ".bias", shape: [outFeatures], value: biases,
                         decays: false)
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    /// x [..., in] → [..., out]; keeps x for `backward`.
    public func forward(_ x: Tensor) -> Tensor {
        let y = apply(x)
        input = x
        return y
    }

    /// x [..., in] → [..., out] without keeping x: a pending `backward` is left as it was.
    public func apply(_ x: Tensor) -> Tensor {
        let rows = rowCount(x.shape)
        return Tensor(shape: Array(x.shape.dropLast()) + [outFeatures]) { out in
            x.data.withUnsafeBufferPointer { inp in
                weight.value.withUnsafeBufferPointer { w in
                    bias.value.withUnsafeBufferPointer { b in
                        LinearKernel.forward(output: pointer(out), input: pointer(inp),
                                             weight: pointer(w), weightStride: inFeatures,
                                             bias: pointer(b), batch: rows,
                                             inFeatures: inFeatures, outFeatures: outFeatures)
                    }
                }
            }
        }
    }

    /// Accumulates dW and db from dy [..., out]; returns dx [..., in].
    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Linear.backward before forward") }
        let rows = rowCount(x.shape)
        precondition(dy.shape == Array(x.shape.dropLast()) + [outFeatures],
                     "\(weight.name): gradient \(dy.shape) for input \(x.shape)")

        return Tensor(shape: x.shape) { dinp in
            x.data.withUnsafeBufferPointer { inp in
                dy.data.withUnsafeBufferPointer { gradOut in
                    weight.value.withUnsafeBufferPointer { w in
                        weight.grad.withUnsafeMutableBufferPointer { dw in
                            bias.grad.withUnsafeMutableBufferPointer { db in
                                LinearKernel.backward(
                                    dInput: pointer(dinp), dWeight: pointer(dw),
                                    dBias: pointer(db), dOutput: pointer(gradOut),
                                    input: pointer(inp), weight: pointer(w),
                                    weightStride: inFeatures, batch: rows,
                                    inFeatures: inFeatures, outFeatures: outFeatures)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The weight, then the bias.
    public var parameters: [Parameter] { [weight, bias] }

    /// Drops the kept input (after the backward pass, or at evaluation).
    public func releaseInput() { input = nil }

    private func rowCount(_ shape: [Int]) -> Int {
        precondition(shape.last == inFeatures,
                     "\(weight.name): expected [..., \(inFeatures)], got \(shape)")
        return shape.dropLast().reduce(1, *)
    }
}
