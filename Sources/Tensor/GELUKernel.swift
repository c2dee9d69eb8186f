/// The exact (erf) Gaussian error linear unit, elementwise, as PyTorch's default GELU (not
/// its tanh approximation).
///
/// erf and exp are evaluated by `FastMath` (absolute error ≤ 2.5e-7 for Φ, a few float32 ulp
/// at 1) so that the loops vectorize; the work is split over `Parallel.workers` threads.
public enum GELUKernel {
    /// out = x·Φ(x) = ½·x·(1 + erf(x/√2)), for `count` values.
    public static func forward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                               count: Int) {
        Parallel.forEachChunk(count: count) { range in
            for k in range {
                let x = input[k]
                output[k] = 0.5 * x * (1 + FastMath.erf(x * 0.707_106_78))
            }
        }
    }

    /// dinp = dout·(Φ(x) + x·φ(x)) with φ(x) = exp(−x²/2)/√(2π), for `count` values
    /// (overwritten).
    public static func backward(dInput: UnsafeMutablePointer<Float>,
                                dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
                                count: Int) {
        Parallel.forEachChunk(count: count) { range in
            for k in range {
                let x = input[k]
                // erf(x/√2) computes e^(−x²/2) on the way: the Gaussian density up to 1/√(2π).
                let (erf, gaussian) = FastMath.erfAndGaussian(x * 0.707_106_78)
                let cdf = 0.5 * (1 + erf)
                let pdf = gaussian * 0.398_942_28
                dInput[k] = dOutput[k] * (cdf + x * pdf)
            }
        }
    }
}
