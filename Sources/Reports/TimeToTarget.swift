import RunContract
/// Where a run's validation top-1 error first reached a target. A `Sendable` value.
public struct TargetCrossing: Sendable, Equatable {
    /// The optimizer step of the first evaluation at or below the target.
    public var step: Int
    /// The epoch (fractional) at that step.
    public var epoch: Double
}

/// How fast one configuration's runs reached one target validation top-1 error. A `Sendable` value.
public struct TimeToTarget: Sendable, Equatable, Encodable {
    /// The configuration's label.
    public var configuration: String
    /// The target validation top-1 error (fraction).
    public var target: Double
    /// Runs whose validation top-1 error reached the target.
    public var reached: Int
    /// Runs of the configuration.
    public var runs: Int
    /// Epochs to the target over the runs that reached it; `nil` when none did.
    public var epochs: Summary?
    /// Training seconds to the target over the runs that reached it and whose times count, each at its pace
    /// (`Timing`); `nil` when none did.
    public var time: Summary?

    /// Time to `target` for `configuration`'s runs, the seconds from the runs `timing` times. Runs that never
    /// reached it count in `runs` but not in the summaries.
    public init(_ configuration: Configuration, target: Double, timing: Timing) {
        let crossings = configuration.runs.compactMap { run in
            Self.firstCrossing(of: run, target: target).map { crossing in
                (crossing: crossing, time: timing.pace(run).map { $0 * Double(crossing.step) })
            }
        }
        self.configuration = configuration.label
        self.target = target
        reached = crossings.count
        runs = configuration.runs.count
        epochs = Summary(crossings.map(\.crossing.epoch))
        time = Summary(crossings.compactMap(\.time))
    }

    /// The first validation evaluation of `run` whose top-1 error is at or below `target` (no interpolation
    /// between evaluations); `nil` when none is, or when the run has no `epoch` series.
    public static func firstCrossing(of run: RunRecord, target: Double) -> TargetCrossing? {
        guard let point = run.series(Metric.validationTop1).first(where: { $0.value <= target }),
              let epoch = run.epoch(atStep: point.step) else { return nil }
        return TargetCrossing(step: point.step, epoch: epoch)
    }

    /// The default targets for `finalMeans`, the configurations' mean final validation top-1 errors (fractions):
    /// 1.5×, 1.2× and 1× the worst (largest) of them, each rounded up to a multiple of 0.005 (half a percentage
    /// point) and capped at 1, duplicates dropped, decreasing. Every configuration's mean then ends below the last
    /// target, so the table compares how soon they got there. Empty when there are no means.
    public static func defaultTargets(finalMeans: [Double]) -> [Double] {
        guard let worst = finalMeans.max() else { return [] }
        let targets = [1.5, 1.2, 1.0].map { Swift.min(1, ($0 * worst * 200 - 1e-9).rounded(.up) / 200) }
        return Array(Set(targets)).sorted(by: >)
    }
}
