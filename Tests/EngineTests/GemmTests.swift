import Engine
import Testing

/// `gemm` on every backend against a double-precision reference, with transposes, strided operands and `beta`,
/// and its determinism on two threads.
@Suite("GEMM on every backend")
struct GemmTests {
    /// Row-major operands with row strides wider than their rows, as channel slices give.
    struct Product {
        var m, n, k: Int
        var transposeA, transposeB: Bool
        var a, b, c: [Float]
        var lda, ldb, ldc: Int

        init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, seed: UInt64 = 5) {
            var rng = RandomGenerator(seed: seed)
            (self.m, self.n, self.k, self.transposeA, self.transposeB) = (m, n, k, transposeA, transposeB)
            let (aRows, aCols) = transposeA ? (k, m) : (m, k), (bRows, bCols) = transposeB ? (n, k) : (k, n)
            (lda, ldb, ldc) = (aCols + 3, bCols + 1, n + 2)
            a = (0..<aRows * lda).map { _ in Float(rng.nextNormal()) }
            b = (0..<bRows * ldb).map { _ in Float(rng.nextNormal()) }
            c = (0..<m * ldc).map { _ in Float(rng.nextNormal()) }
        }

        /// `alpha · op(A) · op(B) + beta · C` on the calling task's backend.
        func run(alpha: Float = 1, beta: Float = 0) -> [Float] {
            var out = c
            out.withUnsafeMutableBufferPointer { c in
                gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c.baseAddress!, ldc: ldc)
            }
            return out
        }

        /// The same in double precision, from the definition.
        func reference(alpha: Double, beta: Double) -> [Double] {
            var out = c.map(Double.init)
            for i in 0..<m { for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p],
                        y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                out[i * ldc + j] = alpha * sum + beta * out[i * ldc + j]
            } }
            return out
        }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)], Backend.allCases)
    func matchesDoublePrecision(transposes: (Bool, Bool), on backend: Backend) {
        let p = Product(m: 37, n: 29, k: 53, transposeA: transposes.0, transposeB: transposes.1)
        let got = Backend.withBackend(backend) { p.run(alpha: 0.5, beta: 1) }
        let want = p.reference(alpha: 0.5, beta: 1)
        let worst = zip(got, want).map { abs(Double($0) - $1) / max(1, abs($1)) }.max()!
        #expect(worst < 1e-5, "worst relative error \(worst)")
    }

    /// A product above `BLASThreads.parallelThreshold(on:)` of either backend, so two threads split it.
    @Test(arguments: Backend.allCases)
    func twoThreadsGiveTheSameBitsEveryTime(on backend: Backend) {
        let p = Product(m: 576, n: 96, k: 320)
        #expect(p.m * p.n * p.k >= BLASThreads.parallelThreshold(on: backend))
        let (first, second) = Backend.withBackend(backend) { BLASThreads.withThreads(2) { (p.run(), p.run()) } }
        #expect(first == second)
    }
}
