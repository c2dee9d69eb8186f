import Tensor

/// Layer normalization over the last axis with a learned scale γ and shift β, keeping what its
/// backward pass needs.
public final class LayerNorm {
    /// The scale γ [width], initialised to 1; not weight-decayed.
    public let gamma: Parameter
    /// The shift β [width], initialised to 0; not weight-decayed.
    public let beta: Parameter
    /// Normalized features (the last axis).
    public let width: Int
    /// Added to the variance before the square root (1e-12 in BERT, 1e-5 in PyTorch).
    public let epsilon: Float

    private var normalized: [Float] = []
    private var inverseDeviation: [Float] = []
    private var shape: [Int] = []

    /// Makes a layer named `name` (`name.weight`, `name.bias`) with γ = 1, β = 0.
    public init(name: String, width: Int, epsilon: Float = 1e-5) {
        gamma = Parameter(name: name + ".weight", shape: [width],
                          value: [Float](repeating: 1, count: width), decays: false)
        beta = Parameter(name: name + ".bias", shape: [width],
                         value: [Float](repeating: 0, count: width), decays: false)
        self.width = width
        self.epsilon = epsilon
    }

    /// x [..., width] → normalized, same shape; keeps x̂ and 1/σ for `backward`.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == width,
                     "\(gamma.name): expected [..., \(width)], got \(x.shape)")
        let rows = x.count / max(1, width)
        shape = x.shape
        normalized = [Float](repeating: 0, count: x.count)
        inverseDeviation = [Float](repeating: 0, count: rows)

        return Tensor(shape: x.shape) { out in
            x.data.withUnsafeBufferPointer { inp in
                gamma.value.withUnsafeBufferPointer { g in
                    beta.value.withUnsafeBufferPointer { b in
                        normalized.withUnsafeMutableBufferPointer { xhat in
                            inverseDeviation.withUnsafeMutableBufferPointer { inverse in
                                LayerNormKernel.forward(
                                    output: pointer(out), normalized: pointer(xhat),
                                    inverseDeviation: pointer(inverse), input: pointer(inp),
                                    gamma: pointer(g), beta: pointer(b), rows: rows,
                                    width: width, epsilon: epsilon)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Accumulates dγ, dβ from dy; returns dx, same shape.
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(!shape.isEmpty, "LayerNorm.backward before forward")
        precondition(dy.shape == shape, "\(gamma.name): gradient \(dy.shape) for input \(shape)")
        let rows = dy.count / max(1, width)

        return Tensor(shape: shape) { dinp in
            dy.data.withUnsafeBufferPointer { gradOut in
                normalized.withUnsafeBufferPointer { xhat in
                    inverseDeviation.withUnsafeBufferPointer { inverse in
                        gamma.value.withUnsafeBufferPointer { g in
                            gamma.grad.withUnsafeMutableBufferPointer { dg in
                                beta.grad.withUnsafeMutableBufferPointer { db in
                                    LayerNormKernel.backward(
                                        dInput: pointer(dinp), dGamma: pointer(dg),
                                        dBeta: pointer(db), dOutput: pointer(gradOut),
                                        normalized: pointer(xhat),
                                        inverseDeviation: pointer(inverse), gamma: pointer(g),
                                        rows: rows, width: width)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// γ, then β.
    public var parameters: [Parameter] { [gamma, beta] }
}
