import COpenBLAS

/// Thin wrappers over OpenBLAS's CBLAS interface.
public enum BLAS {
    /// Sets the number of threads OpenBLAS uses for every later call (calls
    /// `openblas_set_num_threads`), and the same number for `Parallel`'s own loops.
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
        Parallel.workers = n
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
