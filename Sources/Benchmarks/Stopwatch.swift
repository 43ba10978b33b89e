import Engine

/// Times a closure: a warm-up, then repeated runs until both a minimum count and a minimum duration are met.
/// The figure reported is the median run, in seconds, which resists the noise of the shared second vCPU.
public struct Stopwatch: Sendable {
    public var warmup = 2
    public var minimumRuns = 5
    public var minimumSeconds = 0.3

    public init(warmup: Int = 2, minimumRuns: Int = 5, minimumSeconds: Double = 0.3) {
        self.warmup = warmup
        self.minimumRuns = minimumRuns
        self.minimumSeconds = minimumSeconds
    }

    /// GFLOP/s of a plain row-major `gemm` (the task's backend) of `m × n × k` (`2·m·n·k` operations), median of timed
    /// runs.
    public func sgemmGFLOPS(m: Int, n: Int, k: Int) -> Double {
        let a = Tensor(shape: Shape(1, 1, k)).view(batch: m), b = Tensor(shape: Shape(1, 1, n)).view(batch: k)
        let c = Tensor(shape: Shape(1, 1, n)).view(batch: m)
        let seconds = median { gemm(m: m, n: n, k: k, a: a.base, lda: k, b: b.base, ldb: n, c: c.base, ldc: n) }
        return 2 * Double(m) * Double(n) * Double(k) / seconds / 1e9
    }

    /// Median seconds per call of `body`.
    public func median(_ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        let clock = ContinuousClock()
        var times: [Double] = []
        var total = 0.0
        while times.count < minimumRuns || total < minimumSeconds {
            let seconds = clock.measure(body).seconds
            times.append(seconds)
            total += seconds
        }
        return times.sorted()[times.count / 2]
    }
}
