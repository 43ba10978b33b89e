import Statistics

/// Mean, spread and range of a sample of values (one per seed), in the values' own unit. A `Sendable` value.
public struct Summary: Sendable, Equatable, Encodable {
    /// Number of values.
    public var n: Int
    /// Arithmetic mean.
    public var mean: Double
    /// Sample standard deviation (divisor n − 1); 0 for a single value.
    public var std: Double
    /// Smallest value.
    public var min: Double
    /// Largest value.
    public var max: Double

    /// The summary of `values`; `nil` when there are none.
    public init?(_ values: [Double]) {
        guard let moments = SampleMoments(values) else { return nil }
        n = moments.n
        mean = moments.mean
        std = moments.std
        min = values.min()!
        max = values.max()!
    }

    /// The size, mean and variance, for the tests of the Statistics module.
    public var moments: SampleMoments { SampleMoments(n: n, mean: mean, std: std) }

    /// The pooled standard deviation of two samples, `√(((n₁−1)s₁² + (n₂−1)s₂²) / (n₁+n₂−2))`; 0 when both
    /// samples hold a single value.
    public static func pooledStd(_ a: Summary, _ b: Summary) -> Double {
        let degrees = a.n + b.n - 2
        guard degrees > 0 else { return 0 }
        let sum = Double(a.n - 1) * a.std * a.std + Double(b.n - 1) * b.std * b.std
        return (sum / Double(degrees)).squareRoot()
    }
}

/// One point of a configuration's curve: a metric across seeds at one optimizer step. A `Sendable` value.
public struct CurvePoint: Sendable, Equatable, Encodable {
    /// The optimizer step.
    public var step: Int
    /// Mean epoch (fractional) of the runs at this step.
    public var epoch: Double
    /// Mean training time at this step of the runs whose times count, each at its pace (`Timing`), in seconds;
    /// nil when none of them recorded the metric here.
    public var time: Double?
    /// The metric across the runs that recorded it at this step, in the metric's unit.
    public var value: Summary
}

/// Aggregation of runs that differ only by seed.
public enum Aggregation {
    /// The curve of metric `name` across `runs`: one point per step at which any run recorded a value (the union
    /// of the runs' steps, increasing), summarising the runs that have a value there — so `value.n` drops where a
    /// run stopped early (diverged) or logged at other steps. Steps whose epoch is unknown (a run without an
    /// `epoch` series) take the epoch of the runs that know it, and are dropped when none does. The training time
    /// is the mean over the runs `timing` times, each at its pace.
    public static func curve(_ name: String, of runs: [RunRecord], timing: Timing) -> [CurvePoint] {
        var byStep: [Int: [(value: Double, epoch: Double?, time: Double?)]] = [:]
        for run in runs {
            let pace = timing.pace(run)
            for point in run.series(name) {
                byStep[point.step, default: []].append((point.value, run.epoch(atStep: point.step),
                                                        pace.map { $0 * Double(point.step) }))
            }
        }
        return byStep.keys.sorted().compactMap { step in
            let entries = byStep[step]!
            guard let epoch = Summary(entries.compactMap(\.epoch)) else { return nil }
            return CurvePoint(step: step, epoch: epoch.mean, time: Summary(entries.compactMap(\.time))?.mean,
                              value: Summary(entries.map(\.value))!)
        }
    }

    /// The median of `values` (the mean of the middle two for an even count); `nil` when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
