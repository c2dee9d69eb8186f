/// Unfolding of one NCHW image into convolution patches and its adjoint.
///
/// The column matrix has shape [C·kh·kw, outH·outW]: row (c·kh + i)·kw + j holds input pixel
/// (c, oy·s − p + i, ox·s − p + j) at column oy·outW + ox, or 0 where that falls in the padding.
/// Rows (pack) and channels (unpack) are split over `Parallel.workers` threads.
public enum Im2Col {
    /// columns[C·kh·kw, oH·oW] ← patches of image[C, H, W] (one image of the batch).
    public static func pack(image: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>,
                            geometry g: Conv2DGeometry) {
        let rowLength = g.outPlaneCount
        Parallel.forEachChunk(count: g.patchCount,
                              minimumChunk: max(1, 32_768 / max(1, rowLength))) { rows in
            for row in rows {
                let j = row % g.kernelWidth
                let i = (row / g.kernelWidth) % g.kernelHeight
                let c = row / (g.kernelWidth * g.kernelHeight)
                packRow(plane: image + c * g.inHeight * g.inWidth,
                        out: columns + row * rowLength, i: i, j: j, geometry: g)
            }
        }
    }

    /// One row of the column matrix: kernel offset (i, j) over every output position.
    @inline(__always)
    static func packRow(plane: UnsafePointer<Float>, out row: UnsafeMutablePointer<Float>,
                        i: Int, j: Int, geometry g: Conv2DGeometry) {
        let outH = g.outHeight, outW = g.outWidth
        let (xStart, xEnd) = validRange(offset: j, geometry: g, extent: g.inWidth,
                                        outExtent: outW)
        for oy in 0..<outH {
            let out = row + oy * outW
            let iy = oy * g.stride - g.padding + i
            guard iy >= 0 && iy < g.inHeight && xStart < xEnd else {
                out.update(repeating: 0, count: outW)
                continue
            }
            let base = iy * g.inWidth - g.padding + j
            for ox in 0..<xStart { out[ox] = 0 }
            if g.stride == 1 {
                for ox in xStart..<xEnd { out[ox] = plane[base + ox] }
            } else {
                for ox in xStart..<xEnd { out[ox] = plane[base + ox * g.stride] }
            }
            for ox in xEnd..<outW { out[ox] = 0 }
        }
    }

    /// image[C, H, W] += fold(columns[C·kh·kw, oH·oW]): the adjoint of `pack`, each column
    /// value added back onto the pixel it was copied from (padding positions dropped).
    public static func unpackAdding(columns: UnsafePointer<Float>,
                                    image: UnsafeMutablePointer<Float>,
                                    geometry g: Conv2DGeometry) {
        let outH = g.outHeight, outW = g.outWidth
        let channelWork = g.kernelHeight * g.kernelWidth * outH * outW
        Parallel.forEachChunk(count: g.inChannels,
                              minimumChunk: max(1, 32_768 / max(1, channelWork))) { channels in
            for c in channels {
                let plane = image + c * g.inHeight * g.inWidth
                for i in 0..<g.kernelHeight {
                    for j in 0..<g.kernelWidth {
                        let row = columns
                            + ((c * g.kernelHeight + i) * g.kernelWidth + j) * outH * outW
                        unpackRow(row: row, plane: plane, i: i, j: j, geometry: g)
                    }
                }
            }
        }
    }

    /// Adds one row of the column matrix back onto the image plane it came from.
    @inline(__always)
    static func unpackRow(row: UnsafePointer<Float>, plane: UnsafeMutablePointer<Float>,
                          i: Int, j: Int, geometry g: Conv2DGeometry) {
        let outW = g.outWidth
        let (xStart, xEnd) = validRange(offset: j, geometry: g, extent: g.inWidth,
                                        outExtent: outW)
        guard xStart < xEnd else { return }
        for oy in 0..<g.outHeight {
            let iy = oy * g.stride - g.padding + i
            guard iy >= 0 && iy < g.inHeight else { continue }
            let source = row + oy * outW
            let base = iy * g.inWidth - g.padding + j
            if g.stride == 1 {
                for ox in xStart..<xEnd { plane[base + ox] += source[ox] }
            } else {
                for ox in xStart..<xEnd { plane[base + ox * g.stride] += source[ox] }
            }
        }
    }

    /// The output positions o in [start, end) whose input index o·s − p + offset lies in
    /// [0, extent).
    @inline(__always)
    static func validRange(offset: Int, geometry g: Conv2DGeometry, extent: Int,
                           outExtent: Int) -> (Int, Int) {
        // o·s ≥ p − offset  and  o·s ≤ extent − 1 + p − offset.
        let low = g.padding - offset
        let start = low <= 0 ? 0 : (low + g.stride - 1) / g.stride
        let high = extent - 1 + g.padding - offset
        let end = high < 0 ? 0 : min(outExtent, high / g.stride + 1)
        return (min(start, end), end)
    }
}
