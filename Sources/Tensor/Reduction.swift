/// Sums over contiguous float32 runs with eight independent lanes (so that they vectorize),
/// each block of 512 values summed in float32 and the blocks added in Float64.
enum Reduction {
    static let block = 512

    /// (Σ(x − shift), Σ(x − shift)²) over `count` values.
    @inline(__always)
    static func shiftedSums(_ x: UnsafePointer<Float>, count: Int,
                            shift: Float) -> (Double, Double) {
        var sum = 0.0, squares = 0.0
        let center = SIMD8<Float>(repeating: shift)
        var start = 0
        while start < count {
            let end = min(count, start + block)
            var laneSum = SIMD8<Float>(), laneSquares = SIMD8<Float>()
            var k = start
            while k + 8 <= end {
                let d = load(x + k) - center
                laneSum += d
                laneSquares += d * d
                k += 8
            }
            var tailSum: Float = 0, tailSquares: Float = 0
            while k < end {
                let d = x[k] - shift
                tailSum += d
                tailSquares += d * d
                k += 1
            }
            sum += Double(laneSum.sum() + tailSum)
            squares += Double(laneSquares.sum() + tailSquares)
            start = end
        }
        return (sum, squares)
    }

    /// (Σ g, Σ g·(x − mean)·invStd) over `count` values.
    @inline(__always)
    static func gradientSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, count: Int,
                             mean: Float, invStd: Float) -> (Double, Double) {
        var sum = 0.0, weighted = 0.0
        let center = SIMD8<Float>(repeating: mean), scale = SIMD8<Float>(repeating: invStd)
        var start = 0
        while start < count {
            let end = min(count, start + block)
            var laneSum = SIMD8<Float>(), laneWeighted = SIMD8<Float>()
            var k = start
            while k + 8 <= end {
                let gradient = load(g + k)
                laneSum += gradient
                laneWeighted += gradient * ((load(x + k) - center) * scale)
                k += 8
            }
            var tailSum: Float = 0, tailWeighted: Float = 0
            while k < end {
                tailSum += g[k]
                tailWeighted += g[k] * ((x[k] - mean) * invStd)
                k += 1
            }
            sum += Double(laneSum.sum() + tailSum)
            weighted += Double(laneWeighted.sum() + tailWeighted)
            start = end
        }
        return (sum, weighted)
    }

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
}
