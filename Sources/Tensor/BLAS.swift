import COpenBLAS

/// Thin wrappers over OpenBLAS's CBLAS interface.
public enum BLAS {
    nonisolated(unsafe) private static var configuredThreads = Int(openblas_get_num_threads())

    /// Sets the number of threads OpenBLAS uses for every later call (calls
    /// `openblas_set_num_threads`), and the same number for `Parallel`'s own loops; a batched
    /// convolution runs its images on that many threads with single-threaded GEMMs instead
    /// (see `Conv2DKernel`).
    public static func setThreads(_ n: Int) {
        configuredThreads = max(1, n)
        openblas_set_num_threads(Int32(configuredThreads))
        Parallel.workers = configuredThreads
    }

    /// Runs `body` with OpenBLAS set to one thread (for GEMMs issued from several threads at
    /// once), then restores the configured count (calls `openblas_set_num_threads`).
    public static func withSingleThreadedCalls(_ body: () -> Void) {
        let restored = configuredThreads
        openblas_set_num_threads(1)
        body()
        openblas_set_num_threads(Int32(restored))
    }

    /// The number of threads OpenBLAS currently uses (calls `openblas_get_num_threads`).
    public static var threads: Int {
        Int(openblas_get_num_threads())
    }

    /// Row-major C = α·op(A)·op(B) + β·C with op(A) [m, k], op(B) [k, n], C [m, n]
    /// (calls `cblas_sgemm`).
    ///
    /// `lda`, `ldb`, `ldc` are the row strides of the stored (untransposed) matrices.
    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
}
