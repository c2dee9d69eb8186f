/// Branch-free float32 exp and erf that the compiler can vectorize (no library calls).
public enum FastMath {
    /// e^x for x in about [−87, 88] (clamped), relative error about 2e-7.
    ///
    /// x = n·ln 2 + r with n = round(x/ln 2) (by the 1.5·2²³ rounding trick) and |r| ≤ ln2/2
    /// (ln 2 split in a high and a low part, Cody–Waite); e^r by its degree-7 Taylor polynomial
    /// (truncation below 6e-9) and 2ⁿ built directly from the exponent bits.
    @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87), 88)
        let magic: Float = 12_582_912
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic
        let r = clamped - n * 0.693_145_751_953_125 - n * 1.428_606_765_330_187e-06
        var p: Float = 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let exponent = (shifted.bitPattern &- magic.bitPattern) &+ 127
        return p * Float(bitPattern: exponent &<< 23)
    }

    /// erf(x) by Abramowitz & Stegun 7.1.26: with t = 1/(1 + 0.3275911·|x|),
    /// erf(|x|) = 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−x²), |error| ≤ 1.5e-7 (≤ 5e-7
    /// after float32 rounding, worst near |x| = 0.05); odd in x.
    @inline(__always)
    public static func erf(_ x: Float) -> Float {
        erfAndGaussian(x).erf
    }

    /// erf(x) as `erf`, together with the e^(−x²) it computes on the way.
    @inline(__always)
    public static func erfAndGaussian(_ x: Float) -> (erf: Float, gaussian: Float) {
        let magnitude = Swift.abs(x)
        let t = 1 / (1 + 0.327_591_1 * magnitude)
        var poly: Float = 1.061_405_429
        poly = poly * t - 1.453_152_027
        poly = poly * t + 1.421_413_741
        poly = poly * t - 0.284_496_736
        poly = poly * t + 0.254_829_592
        let gaussian = exp(-magnitude * magnitude)
        let value = 1 - poly * t * gaussian
        return (x < 0 ? -value : value, gaussian)
    }
}
