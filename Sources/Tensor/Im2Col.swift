/// Unfolding of one NCHW image into convolution patches and its adjoint.
///
/// The column matrix has shape [C·kh·kw, outH·outW]: row (c·kh + i)·kw + j holds input pixel
/// (c, oy·s − p + i, ox·s − p + j) at column oy·outW + ox, or 0 where that falls in the padding.
/// For stride s > 1 each image row is first split into its s column phases (x ≡ φ mod s) in
/// `scratch`, so that every row of patches is a contiguous copy. Rows (pack) and channels
/// (unpack) are split over `Parallel.workers` threads.
public enum Im2Col {
    /// Scratch values `pack` and `unpackAdding` need: C·H·W for stride > 1, else 0.
    public static func scratchCount(_ g: Conv2DGeometry) -> Int {
        g.stride > 1 ? g.inImageCount : 0
    }

    /// columns[C·kh·kw, oH·oW] ← patches of image[C, H, W] (one image of the batch).
    /// `parallel` false keeps all work on the calling thread.
    public static func pack(image: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry,
                            parallel: Bool = true) {
        let source: UnsafePointer<Float>
        if g.stride > 1 {
            forEachChannel(g, parallel: parallel) { c in
                splitPhases(image: image, phases: scratch, channel: c, g)
            }
            source = UnsafePointer(scratch)
        } else {
            source = image
        }

        let rowLength = g.outPlaneCount
        let minimum = parallel ? max(1, 32_768 / max(1, rowLength)) : g.patchCount
        Parallel.forEachChunk(count: g.patchCount, minimumChunk: minimum) { rows in
            for row in rows {
                let j = row % g.kernelWidth
                let i = (row / g.kernelWidth) % g.kernelHeight
                let c = row / (g.kernelWidth * g.kernelHeight)
                let run = PhaseRun(j: j, geometry: g)
                packRow(plane: source + c * g.inHeight * g.inWidth + run.phaseOffset,
                        out: columns + row * rowLength, i: i, run: run, geometry: g)
            }
        }
    }

    /// image[C, H, W] += fold(columns[C·kh·kw, oH·oW]): the adjoint of `pack`, each column
    /// value added back onto the pixel it was copied from (padding positions dropped).
    /// `parallel` false keeps all work on the calling thread.
    public static func unpackAdding(columns: UnsafePointer<Float>,
                                    image: UnsafeMutablePointer<Float>,
                                    scratch: UnsafeMutablePointer<Float>,
                                    geometry g: Conv2DGeometry, parallel: Bool = true) {
        let outPlane = g.outPlaneCount, inPlane = g.inHeight * g.inWidth
        forEachChannel(g, parallel: parallel) { c in
            let target = g.stride > 1 ? scratch + c * inPlane : image + c * inPlane
            if g.stride > 1 { target.update(repeating: 0, count: inPlane) }
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    let row = columns + ((c * g.kernelHeight + i) * g.kernelWidth + j) * outPlane
                    let run = PhaseRun(j: j, geometry: g)
                    unpackRow(row: row, plane: target + run.phaseOffset, i: i, run: run,
                              geometry: g)
                }
            }
            if g.stride > 1 { mergePhasesAdding(phases: scratch, image: image, channel: c, g) }
        }
    }

    /// Where kernel column j reads for stride s: input x = s·(ox + shift) + phase, i.e. column
    /// ox + shift of the phase plane (width `phaseWidth`), valid for ox in start..<end.
    struct PhaseRun {
        let phaseOffset: Int
        let phaseWidth: Int
        let shift: Int
        let start: Int
        let end: Int

        @inline(__always)
        init(j: Int, geometry g: Conv2DGeometry) {
            let s = g.stride, offset = j - g.padding
            let phase = ((offset % s) + s) % s
            shift = (offset - phase) / s
            phaseWidth = s > 1 ? (g.inWidth - phase + s - 1) / s : g.inWidth
            phaseOffset = s > 1 ? g.inHeight * Im2Col.phaseStart(phase, g) : 0
            start = min(g.outWidth, max(0, -shift))
            end = max(start, min(g.outWidth, phaseWidth - shift))
        }
    }

    /// One row of the column matrix: kernel offset (i, run) over every output position.
    @inline(__always)
    static func packRow(plane: UnsafePointer<Float>, out row: UnsafeMutablePointer<Float>,
                        i: Int, run: PhaseRun, geometry g: Conv2DGeometry) {
        let outW = g.outWidth
        for oy in 0..<g.outHeight {
            let out = row + oy * outW
            let iy = oy * g.stride - g.padding + i
            guard iy >= 0 && iy < g.inHeight && run.start < run.end else {
                out.update(repeating: 0, count: outW)
                continue
            }
            // Runs of a few dozen values: library memset/memcpy beat a scalar loop.
            let first = iy * run.phaseWidth + run.shift + run.start
            if run.start > 0 { out.update(repeating: 0, count: run.start) }
            (out + run.start).update(from: plane + first, count: run.end - run.start)
            if run.end < outW { (out + run.end).update(repeating: 0, count: outW - run.end) }
        }
    }

    /// Adds one row of the column matrix back onto the (phase) plane it came from.
    @inline(__always)
    static func unpackRow(row: UnsafePointer<Float>, plane: UnsafeMutablePointer<Float>,
                          i: Int, run: PhaseRun, geometry g: Conv2DGeometry) {
        guard run.start < run.end else { return }
        for oy in 0..<g.outHeight {
            let iy = oy * g.stride - g.padding + i
            guard iy >= 0 && iy < g.inHeight else { continue }
            let source = row + oy * g.outWidth + run.start
            let target = plane + (iy * run.phaseWidth + run.shift + run.start)
            for k in 0..<(run.end - run.start) { target[k] += source[k] }
        }
    }

    /// Offset (in rows of H) of phase φ's plane inside a channel: Σ_{φ' < φ} width(φ').
    @inline(__always)
    static func phaseStart(_ phase: Int, _ g: Conv2DGeometry) -> Int {
        var start = 0
        for earlier in 0..<phase { start += (g.inWidth - earlier + g.stride - 1) / g.stride }
        return start
    }

    /// phases[c] ← channel c of the image with each row split by x mod s: phase φ is an
    /// [H, ⌈(W − φ)/s⌉] plane holding x = φ, φ + s, ….
    static func splitPhases(image: UnsafePointer<Float>, phases: UnsafeMutablePointer<Float>,
                            channel c: Int, _ g: Conv2DGeometry) {
        let plane = g.inHeight * g.inWidth, s = g.stride
        for phase in 0..<s {
            let width = (g.inWidth - phase + s - 1) / s
            let target = phases + c * plane + g.inHeight * phaseStart(phase, g)
            for y in 0..<g.inHeight {
                let row = image + c * plane + y * g.inWidth + phase
                let line = target + y * width
                for x in 0..<width { line[x] = row[x &* s] }
            }
        }
    }

    /// image[c] += the phases of channel c put back in place (the adjoint of `splitPhases`).
    static func mergePhasesAdding(phases: UnsafePointer<Float>,
                                  image: UnsafeMutablePointer<Float>,
                                  channel c: Int, _ g: Conv2DGeometry) {
        let plane = g.inHeight * g.inWidth, s = g.stride
        for phase in 0..<s {
            let width = (g.inWidth - phase + s - 1) / s
            let source = phases + c * plane + g.inHeight * phaseStart(phase, g)
            for y in 0..<g.inHeight {
                let row = image + c * plane + y * g.inWidth + phase
                let line = source + y * width
                for x in 0..<width { row[x &* s] += line[x] }
            }
        }
    }

    /// Calls `body` for every input channel, split over `Parallel.workers` threads.
    @inline(__always)
    static func forEachChannel(_ g: Conv2DGeometry, parallel: Bool, _ body: (Int) -> Void) {
        let work = g.kernelHeight * g.kernelWidth * g.outPlaneCount + g.inHeight * g.inWidth
        let minimum = parallel ? max(1, 32_768 / max(1, work)) : g.inChannels
        Parallel.forEachChunk(count: g.inChannels, minimumChunk: minimum) { channels in
            for c in channels { body(c) }
        }
    }
}
