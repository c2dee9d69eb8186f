/// Batch normalization over the N, H, W axes of an NCHW batch, per channel.
///
/// Shapes: input/output [N, C, H·W] (`plane` = H·W), gamma/beta/mean/invStd [C].
/// Sums run in float32 blocks of 512 added in Float64 (`Reduction`); channels are split over
/// `Parallel.workers` threads.
public enum BatchNormKernel {
    /// Training mode, with batch statistics over n = N·H·W values per channel c:
    /// mean_c = Σx/n, var_c = Σ(x − mean_c)²/n (biased; both from one pass over x),
    /// invStd_c = 1/√(var_c + ε), out = γ_c·(x − mean_c)·invStd_c + β_c. Writes mean and
    /// invStd for `backward`, and the unbiased variance var_c·n/(n − 1) (for the running
    /// statistics) into `unbiasedVariance`.
    public static func forward(output: UnsafeMutablePointer<Float>,
                               mean: UnsafeMutablePointer<Float>,
                               invStd: UnsafeMutablePointer<Float>,
                               unbiasedVariance: UnsafeMutablePointer<Float>,
                               input: UnsafePointer<Float>,
                               gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                               batch: Int, channels: Int, plane: Int, epsilon: Float) {
        let n = batch * plane
        forEachChannel(channels: channels, work: n) { c in
            // Sums of x − x₀ (x₀ the channel's first value) keep E[d²] − E[d]² well conditioned.
            let shift = input[c * plane]
            var sum = 0.0, shiftedSquares = 0.0
            forEachRow(channel: c, batch: batch, channels: channels, plane: plane) { offset in
                let (rowSum, rowSquares) = Reduction.shiftedSums(input + offset, count: plane,
                                                                 shift: shift)
                sum += rowSum
                shiftedSquares += rowSquares
            }
            let shiftedMean = sum / Double(n)
            let mu = Double(shift) + shiftedMean
            let squares = max(0, shiftedSquares - shiftedMean * sum)
            let variance = squares / Double(n)
            let inv = 1 / (variance + Double(epsilon)).squareRoot()
            mean[c] = Float(mu)
            invStd[c] = Float(inv)
            unbiasedVariance[c] = Float(n > 1 ? squares / Double(n - 1) : variance)

            normalize(output: output, input: input, channel: c, mean: Float(mu),
                      invStd: Float(inv), gamma: gamma[c], beta: beta[c],
                      batch: batch, channels: channels, plane: plane)
        }
    }

    /// Evaluation mode, with fixed statistics:
    /// out = γ_c·(x − runningMean_c)/√(runningVar_c + ε) + β_c.
    /// Writes runningMean into `mean` and 1/√(runningVar + ε) into `invStd` for `backward`.
    public static func inference(output: UnsafeMutablePointer<Float>,
                                 mean: UnsafeMutablePointer<Float>,
                                 invStd: UnsafeMutablePointer<Float>,
                                 input: UnsafePointer<Float>,
                                 gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                 runningMean: UnsafePointer<Float>,
                                 runningVariance: UnsafePointer<Float>,
                                 batch: Int, channels: Int, plane: Int, epsilon: Float) {
        forEachChannel(channels: channels, work: batch * plane) { c in
            let inv = Float(1 / (Double(runningVariance[c]) + Double(epsilon)).squareRoot())
            mean[c] = runningMean[c]
            invStd[c] = inv
            normalize(output: output, input: input, channel: c, mean: runningMean[c],
                      invStd: inv, gamma: gamma[c], beta: beta[c],
                      batch: batch, channels: channels, plane: plane)
        }
    }

    /// With x̂ = (x − mean_c)·invStd_c and sums over the n = N·H·W values of channel c:
    /// dγ_c += Σ dout·x̂, dβ_c += Σ dout, and (overwritten)
    /// dinp = γ_c·invStd_c·(dout − Σdout/n − x̂·Σ(dout·x̂)/n) with batch statistics, or
    /// dinp = γ_c·invStd_c·dout with fixed statistics (`batchStatistics` false).
    public static func backward(dInput: UnsafeMutablePointer<Float>,
                                dGamma: UnsafeMutablePointer<Float>,
                                dBeta: UnsafeMutablePointer<Float>,
                                dOutput: UnsafePointer<Float>,
                                input: UnsafePointer<Float>,
                                gamma: UnsafePointer<Float>,
                                mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                batch: Int, channels: Int, plane: Int,
                                batchStatistics: Bool) {
        let n = Double(batch * plane)
        forEachChannel(channels: channels, work: batch * plane) { c in
            let mu = mean[c], inv = invStd[c]
            var sumGrad = 0.0, sumGradXHat = 0.0
            forEachRow(channel: c, batch: batch, channels: channels, plane: plane) { offset in
                let (rowGrad, rowGradXHat) = Reduction.gradientSums(
                    dOutput + offset, input + offset, count: plane, mean: mu, invStd: inv)
                sumGrad += rowGrad
                sumGradXHat += rowGradXHat
            }
            dGamma[c] += Float(sumGradXHat)
            dBeta[c] += Float(sumGrad)

            let scale = gamma[c] * inv
            let meanGrad = batchStatistics ? Float(sumGrad / n) : 0
            let meanGradXHat = batchStatistics ? Float(sumGradXHat / n) : 0
            forEachRow(channel: c, batch: batch, channels: channels, plane: plane) { offset in
                for k in 0..<plane {
                    let xHat = (input[offset + k] - mu) * inv
                    dInput[offset + k] = scale * (dOutput[offset + k] - meanGrad
                                                  - xHat * meanGradXHat)
                }
            }
        }
    }

    /// Calls `body` for every channel, channels split over `Parallel.workers` threads.
    @inline(__always)
    static func forEachChannel(channels: Int, work: Int, _ body: (Int) -> Void) {
        Parallel.forEachChunk(count: channels,
                              minimumChunk: max(1, 32_768 / max(1, work))) { range in
            for c in range { body(c) }
        }
    }

    /// out = γ·(x − mean)·invStd + β for every value of channel `c`.
    @inline(__always)
    static func normalize(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          channel c: Int, mean: Float, invStd: Float, gamma: Float, beta: Float,
                          batch: Int, channels: Int, plane: Int) {
        let scale = gamma * invStd
        let shift = beta - mean * scale
        forEachRow(channel: c, batch: batch, channels: channels, plane: plane) { offset in
            for k in 0..<plane { output[offset + k] = input[offset + k] * scale + shift }
        }
    }

    /// Calls `body` with the offset of channel `c`'s plane in every image of the batch.
    @inline(__always)
    static func forEachRow(channel c: Int, batch: Int, channels: Int, plane: Int,
                           _ body: (Int) -> Void) {
        for image in 0..<batch { body((image * channels + c) * plane) }
    }
}
