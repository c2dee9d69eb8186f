import Foundation

/// The element-wise steps of the spectrogram written for speed: the natural log over whole
/// buffers in SIMD lanes, and the frame-major to row-major transposition.
enum SpectrogramMath {
    /// `values[i] = ln(values[i] + offset)` in Float32, within 2 ulp of the correctly rounded
    /// log (numpy's float32 log is within a few ulp too), with pure IEEE single-precision
    /// arithmetic so that every machine gives the same bits. When any `values[i] + offset`
    /// is zero, negative, subnormal, infinite or NaN, the whole buffer goes through libm's
    /// `logf` instead (zero gives -inf). `checked: false` skips that scan, for callers that
    /// know every value is finite and non-negative and `offset` is normal and positive.
    static func log(_ values: UnsafeMutableBufferPointer<Float>, offset: Float,
                    checked: Bool = true) {
        guard let base = values.baseAddress else { return }
        let n = values.count
        if checked {
            var unusual: UInt32 = 0
            for i in 0..<n {
                // normal, positive and finite: bit patterns 0x00800000...0x7F7FFFFF
                let bits = (base[i] + offset).bitPattern
                unusual |= (bits &- 0x0080_0000) >= 0x7F00_0000 ? 1 : 0
            }
            if unusual != 0 {
                for i in 0..<n { base[i] = Foundation.log(base[i] + offset) }
                return
            }
        }
        for i in 0..<n { base[i] = normalLog(base[i] + offset) }
    }

    /// ln x for a normal positive finite x: x = 2^e · m with m in [√½, √2), then
    /// ln x = e ln 2 + 2 atanh(s), s = (m - 1) / (m + 1), the series to s¹¹ (|s| ≤ 0.172, so
    /// the first term left out is below 2^-30), and ln 2 split in two for an exact e ln 2.
    /// Branch-free, so that loops over it vectorise.
    @inline(__always)
    static func normalLog(_ x: Float) -> Float {
        let bits = x.bitPattern
        let mantissa = bits & 0x007F_FFFF
        let high = mantissa > 0x0035_04F3                  // m > √2 (0x3FB504F3)
        let m = Float(bitPattern: mantissa | (high ? 0x3F00_0000 : 0x3F80_0000))
        let e = Float(Int32(bitPattern: bits >> 23) - 127 + (high ? 1 : 0))

        let f = m - 1
        let s = f / (f + 2)
        let s2 = s * s
        var p: Float = 1.0 / 11
        p = p * s2 + 1.0 / 9
        p = p * s2 + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        let tail = (s * s2) * p * 2
        let ln2High: Float = 0.693145751953125
        let ln2Low: Float = 1.428606765330187e-06
        return e * ln2High + ((e * ln2Low + tail) + 2 * s)
    }

    /// Whether any of `values` is NaN or infinite (a branch-free scan of the exponent bits).
    static func containsNonFinite(_ values: UnsafeBufferPointer<Float>) -> Bool {
        var found: UInt32 = 0
        for v in values { found |= (v.bitPattern & 0x7F80_0000) == 0x7F80_0000 ? 1 : 0 }
        return found != 0
    }

    /// Writes the row-major `[columns, rows]` matrix `source` as row-major `[rows, columns]`
    /// into `destination`: four columns at a time, each row's four values stored together.
    static func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int,
                          into destination: UnsafeMutablePointer<Float>) {
        let out = UnsafeMutableRawPointer(destination)
        var c = 0
        while c &+ 4 <= columns {
            let s0 = source + c &* rows
            let s1 = s0 + rows
            let s2 = s1 + rows
            let s3 = s2 + rows
            for r in 0..<rows {
                let v = SIMD4<Float>(s0[r], s1[r], s2[r], s3[r])
                out.storeBytes(of: v, toByteOffset: (r &* columns &+ c) &* 4, as: SIMD4<Float>.self)
            }
            c &+= 4
        }
        while c < columns {
            let from = source + c &* rows
            for r in 0..<rows { destination[r &* columns &+ c] = from[r] }
            c &+= 1
        }
    }
}
