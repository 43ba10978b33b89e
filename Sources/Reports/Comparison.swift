import Statistics

/// One comparison a hypothesis makes: the per-run values of two configurations, the effect with its 95 %
/// intervals, the p-value of the hypothesis's test, and the seeds per configuration its power needs. Δ is
/// other − reference (residual − pure, scaled − unscaled), in the metric's unit (fraction). A `Sendable` value.
public struct Comparison: Sendable, Equatable, Encodable, HasVerdict {
    /// The finding's number.
    public var finding: Int
    /// The reference configuration's label (pure, unscaled).
    public var reference: String
    /// The other configuration's label (residual, scaled).
    public var other: String
    /// The metric, test and margin.
    public var hypothesis: Hypothesis
    /// The reference's per-run values across seeds.
    public var referenceValues: Summary?
    /// The other's per-run values across seeds.
    public var otherValues: Summary?
    /// The reference's runs that diverged, and so have no value (`referenceValues` leaves them out).
    public var referenceDiverged: Int
    /// The other's runs that diverged.
    public var otherDiverged: Int
    /// Δ = mean(other) − mean(reference); `nil` without values on both sides.
    public var effect: Double?
    /// Welch's 95 % confidence interval of Δ; `nil` with fewer than 2 values on a side.
    public var welchInterval: [Double]?
    /// The level its test decides at in the report's look (`Look`): the hypothesis's α at the design's final
    /// look, else `Look.strictAlpha`.
    public var level: Double
    /// Which runs it compares, when runs were added to its experiment once results could be seen (`Look`); nil
    /// when none were.
    public var scope: Scope?
    /// Welch's (1 − 2·level) confidence interval of Δ (90 % at 0.05): every decision reads off it (shown when it
    /// lies below 0 for superiority, within ±margin for equivalence, below the margin for non-inferiority).
    public var decisionInterval: [Double]?
    /// Welch's degrees of freedom.
    public var degreesOfFreedom: Double?
    /// The percentile bootstrap 95 % interval of Δ (`Bootstrap.differenceOfMeans`, seed `bootstrapSeed`).
    public var bootstrapInterval: [Double]?
    /// The p-value of the hypothesis's test (small: the claim is shown).
    public var pValue: Double?
    /// The p-value of the opposite claim (small: the claim is refuted).
    public var refutationPValue: Double?
    /// What the test decides at `level`; `nil` with fewer than 2 values on a side.
    public var decision: Decision?
    /// The pooled standard deviation of the two sides' values (fraction); `nil` with fewer than 2 values on a side.
    public var pooledStd: Double?
    /// Seeds per configuration for the hypothesis's power at the pooled standard deviation observed here, at the
    /// level of the analysis it belongs to (`Look`); `nil` when not computable (fewer than 2 values on a side)
    /// or beyond `Power.largestGroup`.
    public var seedsNeeded: Int?
    /// Residual ÷ pure multiply-adds for findings 1 and 2, else `nil`.
    public var macRatio: Double?
    /// Whether the comparison votes on the finding: its multiply-adds ratio lies in the hypothesis's cost window
    /// (always, when the hypothesis has none).
    public var votes: Bool

    /// The seed of every bootstrap interval in the reports.
    public static let bootstrapSeed: UInt64 = 2016

    /// Which runs a comparison compares when its experiment has runs added after a result (`Look`).
    public enum Scope: String, Sendable, Equatable, Encodable {
        /// The runs queued before any result: the design's analysis.
        case design = "the design's runs (queued before any result)"
        /// Every run, those added after a result included.
        case all = "all runs, those added after a result included"
    }

    /// The comparison of `otherValues` against `referenceValues` (one value per run) under `hypothesis`, its test
    /// deciding at `level` and its seeds counted for a test at `powerLevel` (both the hypothesis's α unless
    /// given), over the runs of `scope`; `referenceDiverged` and `otherDiverged` runs of each side diverged and
    /// have no value.
    public init(hypothesis: Hypothesis, reference: String, referenceValues: [Double], other: String,
                otherValues: [Double], macRatio: Double?, level: Double? = nil, powerLevel: Double? = nil,
                scope: Scope? = nil, referenceDiverged: Int = 0, otherDiverged: Int = 0) {
        finding = hypothesis.finding
        self.level = level ?? hypothesis.alpha
        self.scope = scope
        self.reference = reference
        self.other = other
        self.hypothesis = hypothesis
        self.referenceValues = Summary(referenceValues)
        self.otherValues = Summary(otherValues)
        self.referenceDiverged = referenceDiverged
        self.otherDiverged = otherDiverged
        self.macRatio = macRatio
        votes = hypothesis.costWindow.map { window in macRatio.map(window.contains) ?? false } ?? true
        effect = self.otherValues.flatMap { o in self.referenceValues.map { o.mean - $0.mean } }
        bootstrapInterval = Bootstrap.differenceOfMeans(reference: referenceValues, other: otherValues,
                                                        seed: Self.bootstrapSeed).map { [$0.lowerBound, $0.upperBound] }
        guard let a = self.referenceValues?.moments, let b = self.otherValues?.moments,
              let welch = WelchTest(reference: a, other: b) else { return }
        let interval = welch.confidenceInterval(level: 0.95)
        welchInterval = [interval.lowerBound, interval.upperBound]
        let decisive = welch.confidenceInterval(level: 1 - 2 * self.level)
        decisionInterval = [decisive.lowerBound, decisive.upperBound]
        degreesOfFreedom = welch.degreesOfFreedom
        pValue = welch.pValue(hypothesis.test, margin: hypothesis.margin)
        refutationPValue = welch.refutationPValue(hypothesis.test, margin: hypothesis.margin)
        decision = welch.decide(hypothesis.test, margin: hypothesis.margin, alpha: self.level)
        let pooled = Summary.pooledStd(self.referenceValues!, self.otherValues!)
        pooledStd = pooled
        seedsNeeded = VerdictRules.seedsNeeded(hypothesis, std: pooled, alpha: powerLevel ?? hypothesis.alpha)
    }

    /// Whether each side has the seeds per configuration that the hypothesis's power needs at the pooled
    /// standard deviation observed here, and at least `VerdictRules.seedsForAVerdict` (`seedsNeeded`); `false`
    /// when that cannot be computed.
    public var hasPower: Bool {
        guard let seedsNeeded, let a = referenceValues, let b = otherValues else { return false }
        return min(a.n, b.n) >= seedsNeeded
    }

    /// The comparison's verdict: `shown` reproduces, `refuted` does not — each only with the seeds the declared
    /// power needs (`hasPower`: a test of too few seeds decides nothing a reviewer can rely on, however small
    /// its p-value) and unless a diverged run stands against it (`divergenceBlocks`) — and anything else is
    /// inconclusive.
    public var verdict: Verdict {
        switch decision {
        case .shown? where hasPower && !divergenceBlocks(.shown): .reproduced
        case .refuted? where hasPower && !divergenceBlocks(.refuted): .notReproduced
        case .shown?, .refuted?, .undecided?, nil: .inconclusive
        }
    }

    /// Whether diverged runs keep the test's `decision` from counting. A diverged run has no value, but it is
    /// its configuration's worst outcome (every metric compared is lower-is-better: errors, dead shares), so
    /// leaving it out flatters its side: for superiority and non-inferiority (the claim: `other` lower, or not
    /// higher by the margin) a diverged run of `other` keeps "shown" from counting and one of `reference` keeps
    /// "refuted"; for equivalence any diverged run keeps either from counting.
    public func divergenceBlocks(_ decision: Decision) -> Bool {
        switch (hypothesis.test, decision) {
        case (.equivalence, _): referenceDiverged + otherDiverged > 0
        case (_, .shown): otherDiverged > 0
        case (_, .refuted): referenceDiverged > 0
        case (_, .undecided): false
        }
    }

    /// The numbers as one sentence: both sides, Δ with its intervals, the p-values, and, when the test did not
    /// decide, the seeds it would need.
    public var evidence: String {
        var text = (scope.map { "on \($0.rawValue): " } ?? "")
            + "\(reference) \(NumberFormat.percentMeanStd(referenceValues)), "
            + "\(other) \(NumberFormat.percentMeanStd(otherValues))"
        guard let effect else { return text + "; no values to compare" }
        text += "; Δ \(NumberFormat.points(effect))"
        guard let welchInterval, let decisionInterval, let pValue, let refutationPValue, let degreesOfFreedom else {
            return text + "; fewer than 2 seeds on a side: no test (needs at least 2 seeds per configuration)"
        }
        text += ", 95 % CI (Welch, ν = \(NumberFormat.fixed(degreesOfFreedom, 1))) "
            + NumberFormat.interval(welchInterval)
        if let bootstrapInterval { text += ", bootstrap \(NumberFormat.interval(bootstrapInterval))" }
        text += "; the test's \(NumberFormat.confidence(1 - 2 * level)) CI "
            + NumberFormat.interval(decisionInterval)
        text += "; \(hypothesis.test.rawValue) \(NumberFormat.pStatement(pValue)), opposite "
            + NumberFormat.pStatement(refutationPValue)
        text += VerdictRules.strictNote(level)
        if decision == .shown && hypothesis.test == .superiority && refutationPValue < level {
            text += "; the advantage is also shown smaller than the "
                + "\(NumberFormat.fixed(hypothesis.margin * 100, 2)) pt it was powered for: it exists, and is not as "
                + "large as that"
        }
        let diverged = [(reference, referenceDiverged), (other, otherDiverged)].filter { $0.1 > 0 }
        if !diverged.isEmpty {
            text += "; " + diverged.map { "\($0.1) run\($0.1 == 1 ? "" : "s") of \($0.0) diverged (no value)" }
                .joined(separator: ", ")
            if let decision, divergenceBlocks(decision) {
                text += ", so the test's decision does not count (a diverged run is its side's worst outcome)"
            }
        }
        let seeds = seedsNeeded.map { "\($0) seeds per configuration" }
            ?? "more than \(Power.largestGroup) seeds per configuration"
        let power = "\(NumberFormat.fixed(hypothesis.power * 100, 0)) % power"
        if !hasPower {
            text += "; too few seeds for \(power)\(decision == .undecided ? "" : " (the test alone would decide)"): "
                + "needs \(seeds)"
        } else if decision == .undecided {
            text += "; the seeds reach \(power) (\(seeds)), yet neither side is shown"
        }
        return text
    }

    /// The comparison as a judgement of its finding.
    var judgement: Judgement {
        let judgement = Judgement(subject: "\(reference) vs \(other)", verdict: verdict, evidence: evidence)
        guard !votes, let window = hypothesis.costWindow else { return judgement }
        return judgement.abstaining("not cost-matched (multiply-adds ratio \(NumberFormat.optional(macRatio, 2)), "
            + "outside \(NumberFormat.fixed(window.lowerBound, 2))–\(NumberFormat.fixed(window.upperBound, 2)))")
    }
}
