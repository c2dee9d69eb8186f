/// 2-D convolution without bias over NCHW batches, by im2col and one GEMM per image.
///
/// Shapes: input [N, C, H, W], weight [Cout, C, kh, kw], output [N, Cout, oH, oW]; `workspace`
/// is caller-owned scratch of `workspaceCount` values, reused between calls.
///
/// Threads: with N ≥ 2 the images are spread over `Parallel.workers` threads, each unfolding its
/// image and calling a single-threaded GEMM (OpenBLAS is set to one thread for the duration):
/// this keeps both cores busy through im2col and col2im, and avoids OpenBLAS's idle threads
/// spinning between the many small GEMMs. A single image uses OpenBLAS's threads instead.
/// Results are deterministic for a given worker count (the per-thread weight-gradient partial
/// sums are added in a fixed order).
// LIMITATION: the weight gradient's rounding depends on the thread count (each thread sums its
// own images first) — bit-identical reruns need the same `BLAS.setThreads` value.
public enum Conv2DKernel {
    /// The scratch size `forward` and `backward` need: per worker thread, a patch matrix
    /// (C·kh·kw · oH·oW), `Im2Col.scratchCount`, and a weight-gradient partial (Cout·C·kh·kw).
    public static func workspaceCount(_ g: Conv2DGeometry, outChannels: Int) -> Int {
        workerCount(g) * perWorkerCount(g, outChannels: outChannels)
    }

    /// out[n] = W · im2col(inp[n]) for every image n:
    /// out[n, o, y, x] = Σ_{c,i,j} W[o, c, i, j] · inp[n, c, y·s − p + i, x·s − p + j].
    public static func forward(output: UnsafeMutablePointer<Float>,
                               input: UnsafePointer<Float>,
                               weight: UnsafePointer<Float>,
                               workspace: UnsafeMutablePointer<Float>,
                               geometry g: Conv2DGeometry, outChannels: Int) {
        let plane = g.outPlaneCount, patches = g.patchCount
        let stride = perWorkerCount(g, outChannels: outChannels)
        forEachImage(g) { n, worker, parallelPack in
            let columns = workspace + worker * stride
            let patchMatrix = unfold(image: input + n * g.inImageCount, columns: columns,
                                     geometry: g, parallel: parallelPack)

            BLAS.gemm(transposeA: false, transposeB: false, m: outChannels, n: plane,
                      k: patches, alpha: 1, a: weight, lda: patches, b: patchMatrix, ldb: plane,
                      beta: 0, c: output + n * outChannels * plane, ldc: plane)
        }
    }

    /// dW += Σ_n dout[n] · im2col(inp[n])ᵀ  ([Cout, oH·oW]·[oH·oW, C·kh·kw]);
    /// dinp[n] = col2im(Wᵀ · dout[n]) (overwritten; skipped when `dInput` is nil).
    public static func backward(dInput: UnsafeMutablePointer<Float>?,
                                dWeight: UnsafeMutablePointer<Float>,
                                dOutput: UnsafePointer<Float>,
                                input: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>,
                                workspace: UnsafeMutablePointer<Float>,
                                geometry g: Conv2DGeometry, outChannels: Int) {
        let plane = g.outPlaneCount, patches = g.patchCount
        let stride = perWorkerCount(g, outChannels: outChannels)
        let weightCount = outChannels * patches
        let partialOffset = stride - weightCount
        let workers = workerCount(g)
        for worker in 1..<max(1, workers) {
            (workspace + worker * stride + partialOffset).update(repeating: 0, count: weightCount)
        }

        forEachImage(g) { n, worker, parallelPack in
            let columns = workspace + worker * stride
            let gradOut = dOutput + n * outChannels * plane
            let patchMatrix = unfold(image: input + n * g.inImageCount, columns: columns,
                                     geometry: g, parallel: parallelPack)
            let partial = worker == 0 ? dWeight : columns + partialOffset
            BLAS.gemm(transposeA: false, transposeB: true, m: outChannels, n: patches, k: plane,
                      alpha: 1, a: gradOut, lda: plane, b: patchMatrix, ldb: plane,
                      beta: 1, c: partial, ldc: patches)

            guard let dInput else { return }
            let gradImage = dInput + n * g.inImageCount
            let gradPatches = isPointwise(g) ? gradImage : columns
            BLAS.gemm(transposeA: true, transposeB: false, m: patches, n: plane,
                      k: outChannels, alpha: 1, a: weight, lda: patches, b: gradOut, ldb: plane,
                      beta: 0, c: gradPatches, ldc: plane)
            if !isPointwise(g) {
                gradImage.update(repeating: 0, count: g.inImageCount)
                Im2Col.unpackAdding(columns: columns, image: gradImage,
                                    scratch: columns + patches * plane, geometry: g,
                                    parallel: parallelPack)
            }
        }

        for worker in 1..<max(1, workers) {
            let partial = workspace + worker * stride + partialOffset
            for k in 0..<weightCount { dWeight[k] += partial[k] }
        }
    }

    /// Threads the images are spread over: `Parallel.workers`, at most one per image.
    static func workerCount(_ g: Conv2DGeometry) -> Int {
        max(1, min(Parallel.workers, g.batch))
    }

    static func perWorkerCount(_ g: Conv2DGeometry, outChannels: Int) -> Int {
        let unfolded = isPointwise(g) ? 0 : g.patchCount * g.outPlaneCount
        return unfolded + Im2Col.scratchCount(g) + outChannels * g.patchCount
    }

    /// Calls `body(image, worker, parallelPack)` for every image: worker w takes images
    /// w, w + W, … on its own thread (OpenBLAS single-threaded meanwhile), or, with one worker,
    /// all images on the calling thread with threaded packing and OpenBLAS.
    static func forEachImage(_ g: Conv2DGeometry, _ body: (Int, Int, Bool) -> Void) {
        let workers = workerCount(g)
        guard workers > 1 else {
            for n in 0..<g.batch { body(n, 0, true) }
            return
        }
        BLAS.withSingleThreadedCalls {
            Parallel.forEachWorker(workers) { worker in
                for n in stride(from: worker, to: g.batch, by: workers) { body(n, worker, false) }
            }
        }
    }

    /// A 1×1, stride-1, unpadded convolution reads the image itself as its patch matrix.
    static func isPointwise(_ g: Conv2DGeometry) -> Bool {
        g.kernelHeight == 1 && g.kernelWidth == 1 && g.stride == 1 && g.padding == 0
    }

    /// The patch matrix of one image: the image itself when pointwise, else `columns` filled.
    @inline(__always)
    static func unfold(image: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>,
                       geometry g: Conv2DGeometry, parallel: Bool) -> UnsafePointer<Float> {
        if isPointwise(g) { return image }
        Im2Col.pack(image: image, columns: columns,
                    scratch: columns + g.patchCount * g.outPlaneCount, geometry: g,
                    parallel: parallel)
        return UnsafePointer(columns)
    }
}
