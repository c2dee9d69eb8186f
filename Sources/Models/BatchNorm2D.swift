import Tensor

/// Batch normalization of NCHW activations per channel, with running statistics.
///
/// Training uses batch statistics and updates the running ones with
/// r ← (1 − momentum)·r + momentum·batch value (the unbiased variance, as PyTorch);
/// evaluation uses the running statistics.
public final class BatchNorm2D {
    /// The scale γ [C], initialised to 1; not weight-decayed.
    public let gamma: Parameter
    /// The shift β [C], initialised to 0; not weight-decayed.
    public let beta: Parameter
    /// The running mean [C], initialised to 0.
    public var runningMean: [Float]
    /// The running (unbiased) variance [C], initialised to 1.
    public var runningVariance: [Float]
    /// The name prefix of γ and β, e.g. `audio.bn1`.
    public let name: String
    /// Channels (C).
    public let channels: Int
    /// Weight of the newest batch in the running statistics.
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float

    private var input: Tensor?
    private var mean: [Float]
    private var invStd: [Float]
    private var usedBatchStatistics = true

    /// Makes a layer with γ = 1, β = 0, running mean 0 and running variance 1.
    public init(name: String, channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        gamma = Parameter(name: name + ".weight", shape: [channels],
                          value: [Float](repeating: 1, count: channels), decays: false)
        beta = Parameter(name: name + ".bias", shape: [channels],
                         value: [Float](repeating: 0, count: channels), decays: false)
        runningMean = [Float](repeating: 0, count: channels)
        runningVariance = [Float](repeating: 1, count: channels)
        self.name = name
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        mean = [Float](repeating: 0, count: channels)
        invStd = [Float](repeating: 1, count: channels)
    }

    /// x [N, C, H, W] → normalized, same shape; batch statistics when `training`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("batch_norm", profiled) }
        let (batch, plane) = dimensions(x.shape)
        input = x
        usedBatchStatistics = training
        var unbiased = [Float](repeating: 0, count: channels)

        let y = Tensor(shape: x.shape) { out in
            x.data.withUnsafeBufferPointer { inp in
                gamma.value.withUnsafeBufferPointer { g in
                    beta.value.withUnsafeBufferPointer { b in
                        mean.withUnsafeMutableBufferPointer { mu in
                            invStd.withUnsafeMutableBufferPointer { inv in
                                if training {
                                    unbiased.withUnsafeMutableBufferPointer { uv in
                                        BatchNormKernel.forward(
                                            output: pointer(out), mean: pointer(mu),
                                            invStd: pointer(inv), unbiasedVariance: pointer(uv),
                                            input: pointer(inp), gamma: pointer(g),
                                            beta: pointer(b), batch: batch, channels: channels,
                                            plane: plane, epsilon: epsilon)
                                    }
                                } else {
                                    BatchNormKernel.inference(
                                        output: pointer(out), mean: pointer(mu),
                                        invStd: pointer(inv), input: pointer(inp),
                                        gamma: pointer(g), beta: pointer(b),
                                        runningMean: runningMean, runningVariance: runningVariance,
                                        batch: batch, channels: channels, plane: plane,
                                        epsilon: epsilon)
                                }
                            }
                        }
                    }
                }
            }
        }

        if training { updateRunningStatistics(unbiasedVariance: unbiased) }
        return y
    }

    /// Accumulates dγ, dβ from dy (same shape as x) and returns dx.
    public func backward(_ dy: Tensor) -> Tensor {
        let profiled = LayerProfile.start()
        defer { LayerProfile.stop("batch_norm", profiled) }
        guard let x = input else { preconditionFailure("\(name): backward before forward") }
        precondition(dy.shape == x.shape, "\(name): gradient \(dy.shape) for input \(x.shape)")
        let (batch, plane) = dimensions(x.shape)

        return Tensor(shape: x.shape) { dinp in
            x.data.withUnsafeBufferPointer { inp in
                dy.data.withUnsafeBufferPointer { gradOut in
                    gamma.value.withUnsafeBufferPointer { g in
                        gamma.grad.withUnsafeMutableBufferPointer { dg in
                            beta.grad.withUnsafeMutableBufferPointer { db in
                                BatchNormKernel.backward(
                                    dInput: pointer(dinp), dGamma: pointer(dg),
                                    dBeta: pointer(db), dOutput: pointer(gradOut),
                                    input: pointer(inp), gamma: pointer(g), mean: mean,
                                    invStd: invStd, batch: batch, channels: channels,
                                    plane: plane, batchStatistics: usedBatchStatistics)
                            }
                        }
                    }
                }
            }
        }
    }

    private func updateRunningStatistics(unbiasedVariance: [Float]) {
        for c in 0..<channels {
            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c]
            runningVariance[c] = (1 - momentum) * runningVariance[c]
                + momentum * unbiasedVariance[c]
        }
    }

    private func dimensions(_ shape: [Int]) -> (batch: Int, plane: Int) {
        precondition(shape.count == 4 && shape[1] == channels,
                     "\(name): expected [N, \(channels), H, W], got \(shape)")
        return (shape[0], shape[2] * shape[3])
    }
}
