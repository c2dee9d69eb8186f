/// Softmax over the last axis of a row-major `[rows, width]` array.
///
/// Each row is shifted by its maximum before `FastMath.exp` (relative error about 2e-7);
/// entries more than 87 below the maximum (e.g. those an additive attention mask pushed to
/// −3.4e38) give exactly 0.
public enum SoftmaxKernel {
    /// out[r, k] = e^(x[r, k] − m_r) / Σ_j e^(x[r, j] − m_r), m_r = max_j x[r, j]; `output` may
    /// be `input` (in place).
    public static func forward(output: UnsafeMutablePointer<Float>,
                               input: UnsafePointer<Float>, rows: Int, width: Int) {
        for row in 0..<rows {
            let x = input + row * width
            let out = output + row * width
            var largest = -Float.greatestFiniteMagnitude
            for k in 0..<width { largest = max(largest, x[k]) }

            var total: Float = 0
            for k in 0..<width {
                let shifted = x[k] - largest
                let value = shifted < -87 ? 0 : FastMath.exp(shifted)
                out[k] = value
                total += value
            }

            let scale = 1 / total
            for k in 0..<width { out[k] *= scale }
        }
    }

    /// dx[r, k] = y[r, k]·(dy[r, k] − Σ_j dy[r, j]·y[r, j]) from the softmax output y
    /// (overwritten; `dInput` may be `dOutput`).
    public static func backward(dInput: UnsafeMutablePointer<Float>,
                                dOutput: UnsafePointer<Float>, output: UnsafePointer<Float>,
                                rows: Int, width: Int) {
        for row in 0..<rows {
            let y = output + row * width
            let dy = dOutput + row * width
            var dot: Float = 0
            for k in 0..<width { dot += dy[k] * y[k] }

            let dx = dInput + row * width
            for k in 0..<width { dx[k] = y[k] * (dy[k] - dot) }
        }
    }
}
