import RunContract
/// The end-of-training errors of one configuration across seeds. A `Sendable` value.
///
/// Diverged runs are left out (their last values describe a broken network, not a trained one) and counted in
/// `diverged`; runs whose network died but kept training are included.
public struct FinalQuality: Sendable, Equatable, Encodable {
    /// The configuration's label.
    public var configuration: String
    /// Runs that diverged and are left out.
    public var diverged: Int
    /// Evaluations averaged into a run's final error.
    public var lastK: Int
    /// Final validation top-1 error of each run: the mean of its last `lastK` evaluations (fraction).
    public var finalTop1: Summary?
    /// Lowest validation top-1 error of each run over its evaluations (fraction).
    public var bestTop1: Summary?
    /// Final validation top-5 error of each run, the mean of its last `lastK` evaluations (fraction).
    public var finalTop5: Summary?
    /// Test top-1 error of each run (fraction), recorded once at the end.
    public var testTop1: Summary?

    /// The final errors of `configuration`'s runs, each the mean of its last `lastK` evaluations.
    public init(_ configuration: Configuration, lastK: Int) {
        let runs = configuration.runs.filter { $0.status != .diverged }
        self.configuration = configuration.label
        self.lastK = lastK
        diverged = configuration.runs.count - runs.count
        finalTop1 = Summary(runs.compactMap { Self.final(Metric.validationTop1, of: $0, lastK: lastK) })
        bestTop1 = Summary(runs.compactMap { $0.series(Metric.validationTop1).map(\.value).min() })
        finalTop5 = Summary(runs.compactMap { Self.final(Metric.validationTop5, of: $0, lastK: lastK) })
        testTop1 = Summary(runs.compactMap { Self.final(Metric.testTop1, of: $0, lastK: 1) })
    }

    /// The mean of metric `name`'s last `lastK` values in the run (all of them when it has fewer), unless the
    /// run diverged or has none.
    static func final(_ name: String, of run: RunRecord, lastK: Int) -> Double? {
        guard run.status != .diverged else { return nil }
        let values = run.series(name).suffix(lastK).map(\.value)
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}

/// Residual minus pure final validation top-1 error (`FinalQuality.final`) over the seeds both configurations ran
/// (neither diverged).
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

    /// The paired differences of `pure` and `residual`, final errors over the last `lastK` evaluations.
    public init(pure: Configuration, residual: Configuration, lastK: Int) {
        let pureFinals = Dictionary(pure.runs.compactMap { run in
            FinalQuality.final(Metric.validationTop1, of: run, lastK: lastK).map { (run.seed, $0) }
        }, uniquingKeysWith: { first, _ in first })
        let pairs = residual.runs.compactMap { run -> (Int, Double)? in
            guard let r = FinalQuality.final(Metric.validationTop1, of: run, lastK: lastK), let p = pureFinals[run.seed]
            else { return nil }
            return (run.seed, r - p)
        }
        self.pure = pure.label
        self.residual = residual.label
        seeds = pairs.map(\.0)
        difference = Summary(pairs.map(\.1))
    }
}
