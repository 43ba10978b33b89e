import RunContract
/// How one configuration's runs fared against the instability of finding 3: runs that died or diverged, when,
/// and the probes of the last pre-pool layer and the residual stream. A `Sendable` value.
public struct Instability: Sendable, Equatable, Encodable {
    /// The configuration's label.
    public var configuration: String
    /// Its residual scales as text (`-` for a pure network).
    public var scales: String
    /// Its learning rate after warm-up.
    public var learningRate: Double
    /// Its remedies beyond scaling (`RunConfiguration.remedyText`: `none`, `extra BatchNorm`, `warm-up N steps
    /// at LR`).
    public var remedies: String
    /// Runs of the configuration.
    public var runs: Int
    /// The steps at which runs died (pre-pool layer found dead), increasing.
    public var diedAtSteps: [Int]
    /// The steps at which runs diverged (non-finite loss or gradient), increasing.
    public var divergedAtSteps: [Int]
    /// Runs that died or diverged (each run counted once).
    public var unstable: Int
    /// The largest dead fraction of the pre-pool layer's channels each run showed (fraction).
    public var maxDeadFraction: Summary?
    /// Each run's final dead fraction (fraction): the mean of its last `lastK` probes, as finding 3's hypothesis
    /// takes it (`FinalQuality.final`; none for a diverged run).
    public var finalDeadFraction: Summary?
    /// The last residual-stream RMS of each run after the A, B and C stages (activation units), in that order;
    /// `nil` for a stage no run recorded, and for every stage of a pure network (it has no residual stream).
    public var finalStageRMS: [Summary?]

    /// The instability record of `configuration`'s runs, their final dead fraction over the last `lastK` probes.
    public init(_ configuration: Configuration, lastK: Int) {
        let runs = configuration.runs
        self.configuration = configuration.label
        scales = configuration.settings.scalesText
        learningRate = configuration.settings.learningRate
        remedies = configuration.settings.remedyText
        self.runs = runs.count
        diedAtSteps = runs.compactMap(\.diedAtStep).sorted()
        divergedAtSteps = runs.filter { $0.status == .diverged }.map(\.step).sorted()
        unstable = runs.filter(\.isUnstable).count
        let dead = runs.map { $0.series(Metric.prepoolDeadFraction).map(\.value) }
        maxDeadFraction = Summary(dead.compactMap { $0.max() })
        finalDeadFraction = Summary(runs.compactMap {
            FinalQuality.final(Metric.prepoolDeadFraction, of: $0, lastK: lastK)
        })
        finalStageRMS = Metric.stageRMS.map { name in
            configuration.settings.isResidual ? Summary(runs.compactMap { $0.series(name).last?.value }) : nil
        }
    }
}
