/// The end-of-training errors of one configuration across seeds. A `Sendable` value.
///
/// Diverged runs are left out (their last values describe a broken network, not a trained one) and counted in
/// `diverged`; runs whose network died but kept training are included.
public struct FinalQuality: Sendable, Equatable, Encodable {
    /// The configuration's label.
    public var configuration: String
    /// Runs that diverged and are left out.
    public var diverged: Int
    /// Last validation top-1 error of each run (fraction).
    public var finalTop1: Summary?
    /// Lowest validation top-1 error of each run over its evaluations (fraction).
    public var bestTop1: Summary?
    /// Last validation top-5 error of each run (fraction).
    public var finalTop5: Summary?
    /// Test top-1 error of each run (fraction), recorded once at the end.
    public var testTop1: Summary?

    /// The final errors of `configuration`'s runs.
    public init(_ configuration: Configuration) {
        let runs = configuration.runs.filter { $0.status != .diverged }
        self.configuration = configuration.label
        diverged = configuration.runs.count - runs.count
        finalTop1 = Summary(runs.compactMap { Self.last(Metric.validationTop1, of: $0) })
        bestTop1 = Summary(runs.compactMap { $0.series(Metric.validationTop1).map(\.value).min() })
        finalTop5 = Summary(runs.compactMap { Self.last(Metric.validationTop5, of: $0) })
        testTop1 = Summary(runs.compactMap { Self.last(Metric.testTop1, of: $0) })
    }

    /// The value of metric `name` at the run's highest step, unless the run diverged.
    static func last(_ name: String, of run: RunRecord) -> Double? {
        run.status == .diverged ? nil : run.series(name).last?.value
    }
}

/// Residual minus pure final validation top-1 error over the seeds both configurations ran (neither diverged).
/// A `Sendable` value.
public struct PairedDifference: Sendable, Equatable, Encodable {
    /// The pure configuration's label.
    public var pure: String
    /// The residual configuration's label.
    public var residual: String
    /// The seeds in both, increasing.
    public var seeds: [Int]
    /// Residual minus pure final validation top-1 error per matching seed (fraction; negative: residual better).
    public var difference: Summary?

    /// The paired differences of `pure` and `residual`.
    public init(pure: Configuration, residual: Configuration) {
        let pureFinals = Dictionary(pure.runs.compactMap { run in
            FinalQuality.last(Metric.validationTop1, of: run).map { (run.seed, $0) }
        }, uniquingKeysWith: { first, _ in first })
        let pairs = residual.runs.compactMap { run -> (Int, Double)? in
            guard let r = FinalQuality.last(Metric.validationTop1, of: run), let p = pureFinals[run.seed] else { return nil }
            return (run.seed, r - p)
        }
        self.pure = pure.label
        self.residual = residual.label
        seeds = pairs.map(\.0)
        difference = Summary(pairs.map(\.1))
    }
}
