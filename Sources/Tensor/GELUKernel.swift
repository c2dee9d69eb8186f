#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The exact (erf) Gaussian error linear unit, elementwise, as PyTorch's default GELU.
public enum GELUKernel {
    /// out = x·Φ(x) = ½·x·(1 + erf(x/√2)), for `count` values.
    public static func forward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                               count: Int) {
        for k in 0..<count {
            let x = input[k]
            output[k] = 0.5 * x * (1 + erff(x * Float(0.5).squareRoot()))
        }
    }

    /// dinp = dout·(Φ(x) + x·φ(x)) with φ(x) = exp(−x²/2)/√(2π), for `count` values
    /// (overwritten).
    public static func backward(dInput: UnsafeMutablePointer<Float>,
                                dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
                                count: Int) {
        let inverseRootTwoPi = Float(1 / (2 * Double.pi).squareRoot())
        for k in 0..<count {
            let x = input[k]
            let cdf = 0.5 * (1 + erff(x * Float(0.5).squareRoot()))
            let pdf = expf(-0.5 * x * x) * inverseRootTwoPi
            dInput[k] = dOutput[k] * (cdf + x * pdf)
        }
    }
}
