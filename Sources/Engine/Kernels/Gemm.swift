import CBLAS
import CDNNL
import Foundation

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
        let threads = BLASThreads.threads(m: m, n: n, k: k, on: .openblas)
        BLASThreads.withOpenBLAS(threads: threads) {
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    case .onednn:
        omp_set_num_threads(Int32(BLASThreads.threads(m: m, n: n, k: k, on: .onednn)))
        let status = dnnl_sgemm(transposeA ? tChar : nChar, transposeB ? tChar : nChar, Int64(m), Int64(n), Int64(k),
                                alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
        precondition(status == dnnl_success, "dnnl_sgemm failed (status \(status.rawValue)) on \(m)×\(n)×\(k)")
    }
}

private let nChar = CChar(UInt8(ascii: "N")), tChar = CChar(UInt8(ascii: "T"))

/// The threads of one run's matrix products: OpenBLAS's thread pool, or oneDNN's OpenMP threads.
///
/// `set(_:)` fixes the number of threads a large product may use; `gemm` (and a convolution's primitives, sized by
/// their im2col chunk's product) runs products below `parallelThreshold(on:)` multiply-adds, or with fewer than 8
/// rows or columns, on one thread.
///
/// The thresholds were measured on an idle Zen 4 (2 vCPUs, docs/performance.md, "Two threads for one run"):
/// - oneDNN, 250,000: `bench train --threads 2` inception-resnet-v2 w0.25 ran at 133–140 images/s with 16 M,
///   169–176 with 250,000 and 176 with no threshold (one thread: 101); inception-v3 w0.125 at 615–675, 911–1008
///   and 902–929 (one thread: 684). Each pair: the elementwise kernels on one thread and on two.
/// - OpenBLAS, 16 M: inception-resnet-v2 w0.25 ran at 94, 86 and 91 images/s with 16 M, 1 M and 250,000 (one
///   thread: 77), inception-v3 w0.125 at 424, 406 and 171 (one thread: 473).
///
/// Either backend's two threads wait at the end of each product by spinning, so a second thread helps only when a
/// core is free for it: on a machine where another process competes at the same priority, use one thread per run
/// (`run --workers`). OpenMP keeps the count per calling thread (`omp_set_num_threads`, a store);
/// `openblas_set_num_threads` only stores the count when it does not grow the pool (5 ns a call, measured), so
/// switching per call is free.
public enum BLASThreads {
    /// Multiply-adds (`m·n·k`) from which a product uses every thread of `count` on `backend`.
    public static func parallelThreshold(on backend: Backend) -> Int {
        switch backend {
        case .openblas: 16_000_000
        case .onednn: 250_000
        }
    }
    /// The count `set` asked for (OpenBLAS's default, the number of cores, until then).
    nonisolated(unsafe) private static var requested = Int(openblas_get_num_threads())
    /// What OpenBLAS was last told (under `openBLASLock`). Read from OpenBLAS, not from `requested`: a lazy static
    /// first read after `set` would otherwise take the new count and never pass it on.
    nonisolated(unsafe) private static var current = Int(openblas_get_num_threads())

    /// A count for the calling task only (`withThreads`).
    @TaskLocal private static var scoped: Int?

    /// Sets the number of threads of every following product.
    public static func set(_ count: Int) {
        requested = count
        withOpenBLAS(threads: count) {}
    }

    /// Runs `body` with `count` threads for the calling task's products, so that tests on several counts may run in
    /// parallel without changing each other's (the threads decide the order of some sums, hence the bits).
    public static func withThreads<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        try $scoped.withValue(count, operation: body)
    }

    /// The number of threads a large product uses: the calling task's, else the process's.
    public static var count: Int { scoped ?? requested }

    /// The threads for an `m × n × k` product on `backend`.
    @inline(__always)
    static func threads(m: Int, n: Int, k: Int, on backend: Backend) -> Int {
        let count = count
        return count > 1 && m * n * k >= parallelThreshold(on: backend) && min(m, n) >= 8 ? count : 1
    }

    /// Runs `body` (an OpenBLAS call) on `count` OpenBLAS threads, telling OpenBLAS the count if it changed. OpenBLAS's
    /// count is process-wide, so the switch and the call hold one lock: when networks ran on several threads at
    /// once (the tests), a thread changing the count while another was inside OpenBLAS corrupted the heap (glibc
    /// aborted with "corrupted size vs. prev_size" in 2 of 3 runs of five suites; with the count never switched, 0
    /// of 4). A single caller, as in every command, never waits on it.
    @inline(__always)
    static func withOpenBLAS(threads count: Int, _ body: () -> Void) {
        openBLASLock.lock()
        defer { openBLASLock.unlock() }
        if count != current {
            current = count
            openblas_set_num_threads(Int32(count))
        }
        body()
    }
    private static let openBLASLock = NSLock()
}
