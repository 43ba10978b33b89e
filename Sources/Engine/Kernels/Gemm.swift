import CBLAS
import CDNNL

/// Row-major single-precision GEMM, `C = alpha · op(A) · op(B) + beta · C`, through the task's `Backend`.
///
/// `op(A)` is `m × k` and `op(B)` is `k × n`; `lda`, `ldb`, `ldc` are row strides in floats, which lets A, B or C
/// be a strided channel slice of an NHWC tensor (rows = pixels).
///
/// Threads: `BLASThreads`.
@inline(__always)
public func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                 alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    switch Backend.current {
    case .openblas:
        BLASThreads.use(BLASThreads.threads(m: m, n: n, k: k))
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    case .onednn:
        omp_set_num_threads(Int32(BLASThreads.threads(m: m, n: n, k: k)))
        let status = dnnl_sgemm(transposeA ? tChar : nChar, transposeB ? tChar : nChar, Int64(m), Int64(n), Int64(k),
                                alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
        precondition(status == dnnl_success, "dnnl_sgemm failed (status \(status.rawValue)) on \(m)×\(n)×\(k)")
    }
}

private let nChar = CChar(UInt8(ascii: "N")), tChar = CChar(UInt8(ascii: "T"))

/// The threads of one run's matrix products: OpenBLAS's thread pool, or oneDNN's OpenMP threads.
///
/// `set(_:)` fixes the number of threads a large product may use; `gemm` runs products below `parallelThreshold`
/// multiply-adds, or with fewer than 8 rows or columns, on one thread, on either backend.
///
/// OpenBLAS (its own cut-off is 262,144 multiply-adds): in `bench train --threads 2` on inception-resnet-v2-paper
/// w0.125, every GEMM of 2.8 M multiply-adds or fewer ran 1.5–5× slower on two threads (waking and splitting cost
/// more than the work), while a loop of one repeated GEMM gained from about 10 M. `openblas_set_num_threads` only
/// stores the count when it does not grow the pool (5 ns a call, measured), so switching per call is free.
///
/// oneDNN: alone, its `dnnl_sgemm` gained on two threads from 0.4 M multiply-adds (1.3× on 196×32×64, 1.9× on
/// 784×32×64, best of 90 calls, Zen 4). But in whole training steps on the shared machine, with every product on two
/// threads, inception-v3 w0.125 fell from about 430 to 18 images/s: each OpenMP region waits at its closing barrier
/// for a thread the scheduler has not run yet, and a step has hundreds of regions. With this threshold it ran at
/// the one-thread figure or better. OpenMP keeps the count per calling thread (`omp_set_num_threads`, a store).
public enum BLASThreads {
    /// Multiply-adds (`m·n·k`) from which a GEMM uses every thread of `count`.
    public static let parallelThreshold = 16_000_000
    /// The count `set` asked for (OpenBLAS's default, the number of cores, until then).
    nonisolated(unsafe) private static var requested = Int(openblas_get_num_threads())
    /// What OpenBLAS was last told.
    nonisolated(unsafe) private static var current = requested

    /// Sets the number of threads of every following product.
    public static func set(_ count: Int) {
        requested = count
        current = count
        openblas_set_num_threads(Int32(count))
    }
    /// The number of threads a large product uses.
    public static var count: Int { requested }

    /// The threads for an `m × n × k` product.
    @inline(__always)
    static func threads(m: Int, n: Int, k: Int) -> Int {
        requested > 1 && m * n * k >= parallelThreshold && min(m, n) >= 8 ? requested : 1
    }

    /// Tells OpenBLAS to use `count` threads if it is not already doing so (OpenBLAS's count is process-wide).
    @inline(__always)
    static func use(_ count: Int) {
        if count != current {
            current = count
            openblas_set_num_threads(Int32(count))
        }
    }
}
