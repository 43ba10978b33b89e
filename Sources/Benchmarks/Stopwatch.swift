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

    /// Median seconds per call of `body`.
    public func median(_ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        let clock = ContinuousClock()
        var times: [Double] = []
        var total = 0.0
        while times.count < minimumRuns || total < minimumSeconds {
            let d = clock.measure(body)
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            times.append(seconds)
            total += seconds
        }
        return times.sorted()[times.count / 2]
    }
}
