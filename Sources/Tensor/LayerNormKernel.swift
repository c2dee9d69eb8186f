/// Layer normalization over the last axis: each row of `width` values is normalized by its own
/// mean and (biased) variance, then scaled by γ and shifted by β (PyTorch's `layer_norm`).
///
/// Row statistics are summed by `Reduction` (float32 blocks added in Float64); rows are split
/// over `Parallel.workers` threads.
public enum LayerNormKernel {
    /// out = γ·x̂ + β with x̂ = (x − mean)/√(var + ε) for each of `rows` rows; writes x̂ to
    /// `normalized` and 1/√(var + ε) per row to `inverseDeviation` for the backward pass.
    public static func forward(output: UnsafeMutablePointer<Float>,
                               normalized: UnsafeMutablePointer<Float>,
                               inverseDeviation: UnsafeMutablePointer<Float>,
                               input: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
                               beta: UnsafePointer<Float>, rows: Int, width: Int,
                               epsilon: Float) {
        Parallel.forEachChunk(count: rows, minimumChunk: max(1, 16_384 / max(1, width))) { range in
            for row in range {
                let x = input + row * width
                let (sum, squares) = Reduction.shiftedSums(x, count: width, shift: x[0])
                let shiftedMean = sum / Double(width)
                let variance = max(0, squares / Double(width) - shiftedMean * shiftedMean)
                let mean = Float(Double(x[0]) + shiftedMean)
                let inverse = Float(1 / (variance + Double(epsilon)).squareRoot())
                inverseDeviation[row] = inverse

                let xhat = normalized + row * width
                let out = output + row * width
                for k in 0..<width {
                    let value = (x[k] - mean) * inverse
                    xhat[k] = value
                    out[k] = gamma[k] * value + beta[k]
                }
            }
        }
    }

    /// dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ per row (overwritten);
    /// dγ += Σ_rows dy·x̂ and dβ += Σ_rows dy (accumulated).
    public static func backward(dInput: UnsafeMutablePointer<Float>,
                                dGamma: UnsafeMutablePointer<Float>,
                                dBeta: UnsafeMutablePointer<Float>,
                                dOutput: UnsafePointer<Float>,
                                normalized: UnsafePointer<Float>,
                                inverseDeviation: UnsafePointer<Float>,
                                gamma: UnsafePointer<Float>, rows: Int, width: Int) {
        for row in 0..<rows {
            let dy = dOutput + row * width
            let xhat = normalized + row * width
            for k in 0..<width {
                dGamma[k] += dy[k] * xhat[k]
                dBeta[k] += dy[k]
            }
        }

        Parallel.forEachChunk(count: rows, minimumChunk: max(1, 16_384 / max(1, width))) { range in
            for row in range {
                let dy = dOutput + row * width
                let xhat = normalized + row * width
                var gradientSum: Float = 0, projection: Float = 0
                for k in 0..<width {
                    let g = dy[k] * gamma[k]
                    gradientSum += g
                    projection += g * xhat[k]
                }
                let meanGradient = gradientSum / Float(width)
                let meanProjection = projection / Float(width)
                let inverse = inverseDeviation[row]
                let dx = dInput + row * width
                for k in 0..<width {
                    let g = dy[k] * gamma[k]
                    dx[k] = inverse * (g - meanGradient - xhat[k] * meanProjection)
                }
            }
        }
    }
}
