import CBLAS

/// Row-major single-precision GEMM, `C = alpha · op(A) · op(B) + beta · C`, through OpenBLAS.
///
/// `op(A)` is `m × k` and `op(B)` is `k × n`; `lda`, `ldb`, `ldc` are row strides in floats, which lets A, B or C
/// be a strided channel slice of an NHWC tensor (rows = pixels).
@inline(__always)
public func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                 alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// OpenBLAS's thread pool.
public enum BLASThreads {
    /// Sets the number of threads OpenBLAS uses for every following call.
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(count)) }
    /// The number of threads OpenBLAS currently uses.
    public static var count: Int { Int(openblas_get_num_threads()) }
    /// OpenBLAS's build configuration string (version, kernel target, threading model).
    public static var configuration: String { String(cString: openblas_get_config()) + " core=" + String(cString: openblas_get_corename()) }
}
