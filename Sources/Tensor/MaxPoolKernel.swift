/// 2-D max-pooling over NCHW batches, padding counted as −∞ (never chosen).
///
/// Shapes: input [N, C, H, W], output and argmax [N, C, oH, oW]; argmax holds the index
/// y·W + x of the chosen value inside its input plane. Ties keep the first value in row-major
/// window order; a NaN propagates (the last NaN of the window is chosen). Planes are split over
/// `Parallel.workers` threads.
public enum MaxPoolKernel {
    /// out[n, c, y, x] = max_{i,j} inp[n, c, y·s − p + i, x·s − p + j] over in-range pixels.
    public static func forward(output: UnsafeMutablePointer<Float>,
                               argmax: UnsafeMutablePointer<Int32>,
                               input: UnsafePointer<Float>, geometry g: Conv2DGeometry) {
        let outH = g.outHeight, outW = g.outWidth
        let inPlane = g.inHeight * g.inWidth
        Parallel.forEachChunk(count: g.batch * g.inChannels,
                              minimumChunk: max(1, 8192 / max(1, inPlane))) { planes in
            for p in planes {
                forwardPlane(output: output + p * outH * outW, argmax: argmax + p * outH * outW,
                             input: input + p * inPlane, geometry: g)
            }
        }
    }

    /// One [H, W] plane of `forward`.
    @inline(__always)
    static func forwardPlane(output target: UnsafeMutablePointer<Float>,
                             argmax chosen: UnsafeMutablePointer<Int32>,
                             input source: UnsafePointer<Float>, geometry g: Conv2DGeometry) {
        let outH = g.outHeight, outW = g.outWidth, width = g.inWidth
        let unrolled = g.kernelHeight == 3 && g.kernelWidth == 3
        for oy in 0..<outH {
            let yStart = max(0, oy * g.stride - g.padding)
            let yEnd = min(g.inHeight, oy * g.stride - g.padding + g.kernelHeight)
            for ox in 0..<outW {
                let xStart = max(0, ox * g.stride - g.padding)
                let xEnd = min(width, ox * g.stride - g.padding + g.kernelWidth)
                var best = -Float.infinity
                var bestIndex = yStart * width + xStart
                if unrolled && yEnd - yStart == 3 && xEnd - xStart == 3 {
                    // Interior 3×3 window: the same row-major scan without bounds.
                    var index = yStart * width + xStart
                    for _ in 0..<3 {
                        for k in index..<(index + 3) {
                            // Selects rather than branches: comparisons of random data
                            // mispredict.
                            let value = source[k]
                            let better = value > best || value != value
                            best = better ? value : best
                            bestIndex = better ? k : bestIndex
                        }
                        index += width
                    }
                } else {
                    for iy in yStart..<yEnd {
                        for ix in xStart..<xEnd {
                            let value = source[iy * width + ix]
                            if value > best || value.isNaN {
                                best = value
                                bestIndex = iy * width + ix
                            }
                        }
                    }
                }
                target[oy * outW + ox] = best
                chosen[oy * outW + ox] = Int32(bestIndex)
            }
        }
    }

    /// dinp[n, c, argmax] += dout[n, c, y, x] for every output position; dinp is overwritten
    /// (zeroed first).
    public static func backward(dInput: UnsafeMutablePointer<Float>,
                                dOutput: UnsafePointer<Float>,
                                argmax: UnsafePointer<Int32>, geometry g: Conv2DGeometry) {
        let outPlane = g.outHeight * g.outWidth
        let inPlane = g.inHeight * g.inWidth
        Parallel.forEachChunk(count: g.batch * g.inChannels,
                              minimumChunk: max(1, 8192 / max(1, inPlane))) { planes in
            for p in planes {
                let target = dInput + p * inPlane
                let source = dOutput + p * outPlane
                let chosen = argmax + p * outPlane
                target.update(repeating: 0, count: inPlane)
                for k in 0..<outPlane { target[Int(chosen[k])] += source[k] }
            }
        }
    }
}
