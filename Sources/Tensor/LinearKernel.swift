/// A fully connected layer y = x·Wᵀ + b on a batch of rows.
///
/// Shapes: input [B, in], weight rows [out, in] read with row stride `weightStride` (≥ in, so
/// that a column block of a wider weight can be used in place), bias [out], output [B, out].
public enum LinearKernel {
    /// out[b, o] = Σ_i inp[b, i]·W[o, i] + biasScale·bias[o] (bias skipped when nil).
    public static func forward(output: UnsafeMutablePointer<Float>,
                               input: UnsafePointer<Float>,
                               weight: UnsafePointer<Float>, weightStride: Int,
                               bias: UnsafePointer<Float>?, biasScale: Float = 1,
                               batch: Int, inFeatures: Int, outFeatures: Int) {
        BLAS.gemm(transposeA: false, transposeB: true, m: batch, n: outFeatures, k: inFeatures,
                  alpha: 1, a: input, lda: inFeatures, b: weight, ldb: weightStride,
                  beta: 0, c: output, ldc: outFeatures)

        guard let bias else { return }
        for b in 0..<batch {
            let row = output + b * outFeatures
            for o in 0..<outFeatures { row[o] += biasScale * bias[o] }
        }
    }

    /// dW[o, i] += Σ_b dout[b, o]·inp[b, i]; dbias[o] += Σ_b dout[b, o] (when non-nil);
    /// dinp[b, i] = Σ_o dout[b, o]·W[o, i] (overwritten; skipped when nil).
    public static func backward(dInput: UnsafeMutablePointer<Float>?,
                                dWeight: UnsafeMutablePointer<Float>,
                                dBias: UnsafeMutablePointer<Float>?,
                                dOutput: UnsafePointer<Float>,
                                input: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>, weightStride: Int,
                                batch: Int, inFeatures: Int, outFeatures: Int) {
        BLAS.gemm(transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: batch,
                  alpha: 1, a: dOutput, lda: outFeatures, b: input, ldb: inFeatures,
                  beta: 1, c: dWeight, ldc: weightStride)

        if let dBias {
            for b in 0..<batch {
                for o in 0..<outFeatures { dBias[o] += dOutput[b * outFeatures + o] }
            }
        }

        guard let dInput else { return }
        BLAS.gemm(transposeA: false, transposeB: false, m: batch, n: inFeatures, k: outFeatures,
                  alpha: 1, a: dOutput, lda: outFeatures, b: weight, ldb: weightStride,
                  beta: 0, c: dInput, ldc: inFeatures)
    }
}
