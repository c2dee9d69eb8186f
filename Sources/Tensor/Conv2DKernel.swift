/// 2-D convolution without bias over NCHW batches, by im2col and one GEMM per image.
///
/// Shapes: input [N, C, H, W], weight [Cout, C, kh, kw], output [N, Cout, oH, oW]; `columns`
/// is caller-owned scratch of `workspaceCount(geometry)` values, reused between calls.
public enum Conv2DKernel {
    /// The scratch size `forward` and `backward` need: C·kh·kw · oH·oW values.
    public static func workspaceCount(_ g: Conv2DGeometry) -> Int {
        isPointwise(g) ? 0 : g.patchCount * g.outPlaneCount
    }

    /// out[n] = W · im2col(inp[n]) for every image n:
    /// out[n, o, y, x] = Σ_{c,i,j} W[o, c, i, j] · inp[n, c, y·s − p + i, x·s − p + j].
    public static func forward(output: UnsafeMutablePointer<Float>,
                               input: UnsafePointer<Float>,
                               weight: UnsafePointer<Float>,
                               columns: UnsafeMutablePointer<Float>,
                               geometry g: Conv2DGeometry, outChannels: Int) {
        let plane = g.outPlaneCount, patches = g.patchCount
        for n in 0..<g.batch {
            let image = input + n * g.inImageCount
            let patchMatrix = unfold(image: image, columns: columns, geometry: g)

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
                                columns: UnsafeMutablePointer<Float>,
                                geometry g: Conv2DGeometry, outChannels: Int) {
        let plane = g.outPlaneCount, patches = g.patchCount
        let pointwise = isPointwise(g)
        for n in 0..<g.batch {
            let image = input + n * g.inImageCount
            let gradOut = dOutput + n * outChannels * plane
            let patchMatrix = unfold(image: image, columns: columns, geometry: g)

            BLAS.gemm(transposeA: false, transposeB: true, m: outChannels, n: patches, k: plane,
                      alpha: 1, a: gradOut, lda: plane, b: patchMatrix, ldb: plane,
                      beta: 1, c: dWeight, ldc: patches)

            guard let dInput else { continue }
            let gradImage = dInput + n * g.inImageCount
            let gradPatches = pointwise ? gradImage : columns
            BLAS.gemm(transposeA: true, transposeB: false, m: patches, n: plane,
                      k: outChannels, alpha: 1, a: weight, lda: patches, b: gradOut, ldb: plane,
                      beta: 0, c: gradPatches, ldc: plane)
            if !pointwise {
                gradImage.update(repeating: 0, count: g.inImageCount)
                Im2Col.unpackAdding(columns: columns, image: gradImage, geometry: g)
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
                       geometry g: Conv2DGeometry) -> UnsafePointer<Float> {
        if isPointwise(g) { return image }
        Im2Col.pack(image: image, columns: columns, geometry: g)
        return UnsafePointer(columns)
    }
}
