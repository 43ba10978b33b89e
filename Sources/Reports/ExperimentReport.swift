import RunContract
/// Everything a report shows about an experiment, computed from its runs alone: what ran, curves, training
/// speed, final quality, instability, cost and the findings' verdicts. A `Sendable` value; `Encodable` as the
/// `--format json` output. Errors are fractions, times seconds, everything ordered deterministically.
public struct ExperimentReport: Sendable, Encodable {
    /// The experiment's name.
    public var experiment: String
    /// The experiment's description.
    public var description: String
    /// What was run, where, and how it departs from the paper.
    public var overview: Overview
    /// One entry per configuration, in report order.
    public var configurations: [ConfigurationSummary]
    /// The aggregated curve of each charted metric for each configuration.
    public var curves: [MetricCurve]
    /// The target validation top-1 errors of the training-speed table (fractions, decreasing).
    public var targets: [Double]
    /// Time to each target, per configuration then target.
    public var timeToTarget: [TimeToTarget]
    /// Area under each configuration's validation top-1 curve.
    public var errorAreas: [ErrorArea]
    /// Final and best errors per configuration.
    public var finalQuality: [FinalQuality]
    /// Residual − pure final error over matching seeds, per pure/residual pair.
    public var pairedDifferences: [PairedDifference]
    /// Died and diverged runs, dead fractions and residual-stream RMS, per configuration.
    public var instability: [Instability]
    /// Each scaled configuration (fixed, learned or reparametrised scales) against its unscaled partner on the
    /// final pre-pool dead share, under finding 3's hypothesis with Δ = unscaled − scaled: how far the scaling
    /// lowers it, and whether by more than the margin (it prevents the partial death) or by less.
    public var scalingDeadShare: [Comparison]
    /// Parameters, multiply-adds and time per step, per configuration.
    public var costs: [Cost]
    /// Residual ÷ pure costs, per pure/residual pair.
    public var costRatios: [CostRatio]
    /// The hypotheses of findings 1–5 (declared in the spec, or the defaults), by finding number.
    public var hypotheses: [Hypothesis]
    /// The findings the experiment tests, by number.
    public var findings: [Finding]
    /// Whether top-5 error says anything: some configuration has more than `topFiveMinimumClasses` classes.
    public var topFiveIsInformative: Bool

    /// With this many classes or fewer, top-5 error is left out of charts and tables.
    public static let topFiveMinimumClasses = 10

    /// The metrics whose curves a report aggregates (and charts).
    public static let curveMetrics = [Metric.validationTop1, Metric.validationTop5, Metric.trainLoss,
                                      Metric.prepoolDeadFraction] + Metric.stageRMS + Metric.learnedScale

    /// Analyses `data`. `targets` (fractions) replace the default targets of the training-speed table
    /// (`TimeToTarget.defaultTargets`). An experiment without included runs is an error.
    public init(_ data: ExperimentData, targets: [Double]? = nil) throws {
        guard !data.runs.isEmpty else {
            let excluded = data.excluded.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.value) \($0.key.rawValue)" }
            throw ReportError("""
                experiment '\(data.name)' has no finished or diverged runs to report on\
                \(excluded.isEmpty ? "" : " (it has \(excluded.joined(separator: ", ")))")
                """)
        }
        let configurations = Configuration.group(data.runs)
        topFiveIsInformative = configurations.contains { $0.settings.model.classes > Self.topFiveMinimumClasses }
        experiment = data.name
        description = data.description
        overview = Overview(data, configurations: configurations)
        self.configurations = configurations.map(ConfigurationSummary.init)
        curves = Self.curveMetrics.flatMap { metric in
            configurations.map { MetricCurve(metric: metric, configuration: $0.label,
                                             isResidual: $0.settings.isResidual,
                                             points: Aggregation.curve(metric, of: $0.runs, timing: data.timing)) }
        }
        let lastK = data.hypotheses[finding: 2].lastK
        finalQuality = configurations.map { FinalQuality($0, lastK: lastK) }
        let levels = targets ?? TimeToTarget.defaultTargets(finalMeans: finalQuality.compactMap(\.finalTop1?.mean))
        self.targets = levels
        timeToTarget = configurations.flatMap { c in levels.map { TimeToTarget(c, target: $0, timing: data.timing) } }
        errorAreas = configurations.map(ErrorArea.init)
        let pairs = Pairs.pureResidual(configurations)
        pairedDifferences = pairs.map { PairedDifference(pure: $0.pure, residual: $0.residual, lastK: lastK) }
        instability = configurations.map { Instability($0, lastK: data.hypotheses[finding: 3].lastK) }
        costs = try configurations.map { try Cost($0, timing: data.timing) }
        let costByLabel = Dictionary(uniqueKeysWithValues: costs.map { ($0.configuration, $0) })
        costRatios = pairs.map {
            CostRatio(pure: costByLabel[$0.pure.label]!, residual: costByLabel[$0.residual.label]!)
        }
        hypotheses = data.hypotheses.all
        let inputs = Findings.Inputs(configurations: configurations, costs: costByLabel, hypotheses: data.hypotheses,
                                     look: data.look)
        scalingDeadShare = Findings.scalingDeadShare(inputs)
        findings = Findings.evaluate(inputs)
    }

    /// The hypothesis of finding `number` (1–5; any other number is a programming error and traps).
    public func hypothesis(finding number: Int) -> Hypothesis { hypotheses.first { $0.finding == number }! }

    /// The curve of `metric` for each configuration, in configuration order.
    public func curves(of metric: String) -> [MetricCurve] { curves.filter { $0.metric == metric } }
}

/// One configuration in brief: what it is and what became of its runs. A `Sendable` value.
public struct ConfigurationSummary: Sendable, Equatable, Encodable {
    /// The configuration's label.
    public var label: String
    /// The model's name.
    public var model: String
    /// Width multiplier α.
    public var width: Double
    /// Residual scales as text (`-` for a pure network).
    public var scales: String
    /// Learning rate after warm-up.
    public var learningRate: Double
    /// Remedies beyond scaling (`RunConfiguration.remedyText`: `none`, `extra BatchNorm`, `warm-up N steps at LR`).
    public var remedies: String
    /// The seeds that ran, increasing.
    public var seeds: [Int]
    /// Runs that finished (including those whose network died).
    public var finished: Int
    /// Runs that diverged.
    public var diverged: Int
    /// Runs whose network died.
    public var died: Int
    /// The most optimizer steps any run took.
    public var steps: Int
    /// The most epochs any run trained (fractional).
    public var epochs: Double

    /// The summary of `configuration`.
    public init(_ configuration: Configuration) {
        let s = configuration.settings
        label = configuration.label
        model = s.model.model.rawValue
        width = s.model.width
        scales = s.scalesText
        learningRate = s.learningRate
        remedies = s.remedyText
        seeds = configuration.seeds
        finished = configuration.runs.filter { $0.status == .finished }.count
        diverged = configuration.runs.filter { $0.status == .diverged }.count
        died = configuration.runs.filter { $0.diedAtStep != nil }.count
        steps = configuration.runs.map(\.step).max() ?? 0
        epochs = configuration.runs.compactMap { $0.epoch(atStep: $0.step) }.max() ?? 0
    }
}

/// The aggregated curve of one metric for one configuration. A `Sendable` value.
public struct MetricCurve: Sendable, Equatable, Encodable {
    /// The metric's name.
    public var metric: String
    /// The configuration's label.
    public var configuration: String
    /// Whether the configuration's network is residual.
    public var isResidual: Bool
    /// One point per step (see `Aggregation.curve`).
    public var points: [CurvePoint]
}
