import Models
import RunContract

/// One finding of docs/reports.md#the-findings as an experiment tests it: the paper's claim, the rule, the judgement of
/// each comparison, the verdict and its caveats. A `Sendable` value.
public struct Finding: Sendable, Equatable, Encodable {
    /// The finding's number in docs/reports.md#the-findings (1–6).
    public var number: Int
    /// A short title.
    public var title: String
    /// What the paper claims.
    public var claim: String
    /// The verdict rule (`VerdictRules.descriptions`, or `VerdictRules.description(of:)` for a hypothesis).
    public var rule: String
    /// One judgement per comparison the experiment allows.
    public var judgements: [Judgement]
    /// The statistics behind the judgements of a finding tested by a hypothesis (1, 2, 5), one per judgement.
    public var comparisons: [Comparison]
    /// The combined verdict (`VerdictRules.combine`).
    public var verdict: Verdict
    /// What limits this finding's evidence beyond the caveats every finding shares (`Overview.caveats`: the
    /// scale of the runs and the recipe's departures from the paper).
    public var caveats: [String]

    /// What a report says of a finding without judgements.
    static let noComparison = "no comparison possible"

    /// A finding with its verdict combined from `judgements`, under the rule `VerdictRules.descriptions` states.
    init(number: Int, title: String, claim: String, judgements: [Judgement], caveats: [String]) {
        self.number = number
        self.title = title
        self.claim = claim
        rule = VerdictRules.descriptions[number]!
        self.judgements = judgements
        comparisons = []
        verdict = VerdictRules.combine(judgements)
        self.caveats = caveats
    }

    /// A finding counted by its rule (`judgements`) and also tested by `hypothesis` (`comparisons`, judged first),
    /// with its verdict combined from all of them.
    init(number: Int, hypothesis: Hypothesis, title: String, claim: String, comparisons: [Comparison],
         judgements: [Judgement], caveats: [String]) {
        self.init(number: number, title: title, claim: claim, judgements: comparisons.map(\.judgement) + judgements,
                  caveats: caveats)
        if !comparisons.isEmpty { rule += " " + VerdictRules.description(of: hypothesis) }
        self.comparisons = comparisons
    }

    /// A finding tested by `hypothesis`, with its verdict combined from the comparisons' judgements.
    init(hypothesis: Hypothesis, title: String, claim: String, comparisons: [Comparison], caveats: [String]) {
        number = hypothesis.finding
        self.title = title
        self.claim = claim
        rule = VerdictRules.description(of: hypothesis)
        judgements = comparisons.map(\.judgement)
        self.comparisons = comparisons
        verdict = VerdictRules.combine(judgements)
        self.caveats = caveats
    }
}

/// Which findings an experiment tests, decided from the configurations present, and their judgements.
enum Findings {
    /// The measurements a finding draws on, by configuration label.
    struct Inputs {
        var configurations: [Configuration]
        /// Costs.
        var costs: [String: Cost]
        /// The hypotheses of findings 1–5.
        var hypotheses: Hypotheses
        /// The report's look at the experiment, and so the levels its tests decide at (`decidedAtTheLook`).
        var look: Look
    }

    /// The comparison of `other` against `reference` under `hypothesis`, with the per-run values of its metric,
    /// at the levels of `look`: over the design's runs, and when runs were added after a result and the design's
    /// runs do not decide, over all runs at the strict level.
    static func compare(_ hypothesis: Hypothesis, reference: Configuration, other: Configuration,
                        macRatio: Double?, look: Look) -> Comparison {
        let horizon = min(lastEvaluationEpoch(reference), lastEvaluationEpoch(other)) * VerdictRules.earlyFraction
        func values(_ c: Configuration, _ included: (RunRecord) -> Bool) -> [Double] {
            c.runs.filter(included).compactMap { run in
                switch hypothesis.metric {
                case .finalError: FinalQuality.final(Metric.validationTop1, of: run, lastK: hypothesis.lastK)
                case .earlyError: earlyError(run, horizon: horizon)
                case .finalDeadFraction:
                    FinalQuality.final(Metric.prepoolDeadFraction, of: run, lastK: hypothesis.lastK)
                }
            }
        }
        func diverged(_ c: Configuration, _ included: (RunRecord) -> Bool) -> Int {
            c.runs.filter { included($0) && $0.status == .diverged }.count
        }
        return decidedAtTheLook(look, alpha: hypothesis.alpha) { included, level, scope in
            Comparison(hypothesis: hypothesis, reference: reference.label, referenceValues: values(reference, included),
                       other: other.label, otherValues: values(other, included), macRatio: macRatio, level: level,
                       powerLevel: scope == .all ? level : hypothesis.alpha, scope: scope,
                       referenceDiverged: diverged(reference, included), otherDiverged: diverged(other, included))
        }
    }

    /// A comparison or count (`judge`: over the runs it includes, deciding at a level, of a scope) decided at the
    /// levels of `look` for a hypothesis at `alpha`: over the design's runs at `Look.designLevel`; when runs were
    /// added after a result and that is inconclusive, over all runs at `Look.extendedLevel`.
    static func decidedAtTheLook<T: HasVerdict>(
        _ look: Look, alpha: Double, _ judge: (_ included: (RunRecord) -> Bool, Double, Comparison.Scope?) -> T
    ) -> T {
        guard look.added > 0 else { return judge({ _ in true }, look.designLevel(alpha), nil) }
        let design = judge({ !$0.addedAfterResults }, look.designLevel(alpha), .design)
        return design.verdict != .inconclusive ? design : judge({ _ in true }, look.extendedLevel(alpha), .all)
    }

    /// The runs of `configurations`, each configuration counted once (a configuration may appear in several
    /// pairs).
    static func runs(of configurations: [Configuration]) -> [RunRecord] {
        var labels = Set<String>()
        return configurations.filter { labels.insert($0.label).inserted }.flatMap(\.runs)
    }

    /// The latest epoch at which any of the configuration's runs evaluated (0 without evaluations).
    static func lastEvaluationEpoch(_ configuration: Configuration) -> Double {
        configuration.runs
            .compactMap { run in run.series(Metric.validationTop1).last.flatMap { run.epoch(atStep: $0.step) } }
            .max() ?? 0
    }

    /// A run's `early-error`: its mean validation top-1 error over epochs up to `horizon` (trapezoids over its
    /// evaluations there, divided by the epochs spanned), or its first evaluation's error when at most one lies
    /// there; `nil` for a diverged run or one without evaluations.
    static func earlyError(_ run: RunRecord, horizon: Double) -> Double? {
        guard run.status != .diverged else { return nil }
        let points = run.series(Metric.validationTop1).compactMap { point in
            run.epoch(atStep: point.step).map { (x: $0, y: point.value) }
        }
        let early = points.filter { $0.x <= horizon }
        return ErrorArea.normalizedArea(early)?.area ?? points.first?.y
    }

    /// The findings the configurations test, by number: 1 and 2 when a pure configuration has a residual
    /// partner of the same width and recipe; 3 when a residual model ran both unscaled and scaled, or unscaled
    /// with and without an extra BatchNorm or a lower learning rate; 4 when an unscaled residual configuration
    /// ran with and without warm-up, all else equal; 5 when a residual model ran both unscaled and scaled; 6 when
    /// at least two models ran.
    static func evaluate(_ inputs: Inputs) -> [Finding] {
        let pairs = Pairs.pureResidual(inputs.configurations)
        let scaling = Pairs.unscaledScaled(inputs.configurations)
        let remedies = Pairs.remedies(inputs.configurations)
        return [
            speedFinding(inputs, pairs: pairs),
            finalErrorFinding(inputs, pairs: pairs),
            instabilityFinding(inputs, scaling: scaling, remedies: remedyComparisons(inputs, remedies, finding: 3)),
            warmupFinding(inputs, warmups: remedies.filter { $0.remedy == .warmup }.map { ($0.unscaled, $0.treated) },
                          remedies: remedyComparisons(inputs, remedies, finding: 4)),
            scalingFinding(inputs, scaling: scaling),
            costFinding(inputs, pairs: pairs),
        ].compactMap { $0 }
    }

    /// Each scaled configuration (fixed, learned or reparametrised scales) against its unscaled partner on the
    /// final pre-pool dead share, under finding 3's hypothesis with Δ = unscaled − scaled (the scaled one the
    /// reference): whether the scaling lowers it by more than the margin. Descriptive in a report's instability
    /// section (finding 3's verdict counts deaths), and powered like every comparison of a hypothesis.
    static func scalingDeadShare(_ inputs: Inputs) -> [Comparison] {
        Pairs.unscaledScaled(inputs.configurations).map { pair in
            compare(inputs.hypotheses[finding: 3], reference: pair.scaled, other: pair.unscaled, macRatio: nil,
                    look: inputs.look)
        }
    }

    /// The comparisons of each remedy of finding `finding` among `remedies`, under the finding's hypothesis: the
    /// unscaled configuration against the treated one as the reference.
    private static func remedyComparisons(
        _ inputs: Inputs, _ remedies: [(remedy: Remedy, unscaled: Configuration, treated: Configuration)], finding: Int
    ) -> [Comparison] {
        remedies.filter { $0.remedy.finding == finding }.map { triple in
            compare(inputs.hypotheses[finding: finding], reference: triple.treated, other: triple.unscaled,
                    macRatio: nil, look: inputs.look)
        }
    }

    /// A finding tested on each pure configuration and its residual partner under the hypothesis of finding
    /// `number`, when there are such pairs. Each comparison carries the residual's cost in multiply-adds as a
    /// multiple of the pure one's (when both costs are known).
    private static func pairFinding(_ number: Int, _ inputs: Inputs,
                                    pairs: [(pure: Configuration, residual: Configuration)], title: String,
                                    claim: String, caveat: String) -> Finding? {
        guard !pairs.isEmpty else { return nil }
        let hypothesis = inputs.hypotheses[finding: number]
        let comparisons = pairs.map { pair in
            let ratio = inputs.costs[pair.pure.label].flatMap { p in
                inputs.costs[pair.residual.label].map { Double($0.macs) / Double(p.macs) }
            }
            return compare(hypothesis, reference: pair.pure, other: pair.residual, macRatio: ratio, look: inputs.look)
        }
        return Finding(hypothesis: hypothesis, title: title, claim: claim, comparisons: comparisons, caveats: [caveat])
    }

    /// Finding 1, when a pure configuration has a residual partner.
    private static func speedFinding(_ inputs: Inputs, pairs: [(pure: Configuration, residual: Configuration)])
        -> Finding? {
        pairFinding(
            1, inputs, pairs: pairs, title: "Residual connections speed up training",
            claim: """
                Residual Inception networks train much faster than pure Inception networks of similar cost \
                (v3 vs IR-v1, v4 vs IR-v2): lower validation error early in training.
                """,
            caveat: """
                The paper's curves span a long training; "early" here is the first third of these runs' \
                budget.
                """)
    }

    /// Finding 2, when a pure configuration has a residual partner.
    private static func finalErrorFinding(_ inputs: Inputs, pairs: [(pure: Configuration, residual: Configuration)])
        -> Finding? {
        pairFinding(
            2, inputs, pairs: pairs, title: "Final error about the same",
            claim: """
                Fully trained, residual and pure networks reach about the same final error (within ~0.1 point \
                in the paper: v3 21.2 % / IR-v1 21.3 %, v4 20.0 % / IR-v2 19.9 % top-1 on ILSVRC-2012).
                """,
            caveat: """
                The paper's networks were fully trained; these runs stop at their budget, so equal errors here \
                mean equal after that budget, not at convergence.
                """)
    }

    /// Finding 3, when a residual model ran both unscaled and scaled or a remedy was tried: per such model, the
    /// runs of its unscaled configurations against those of its scaled ones, counting only configurations of a
    /// scaling pair (`scaling`: the same recipe but for the scaling), after the comparisons of each remedy
    /// (`remedies`, under the hypothesis of finding 3). A remedy's runs (a lower rate, the extra BatchNorm,
    /// warm-up) have no scaled partner and stay out of the count: they answer whether the remedy helped, and
    /// counted as "unscaled" they would make the unscaled networks look safer than their plain runs show.
    private static func instabilityFinding(_ inputs: Inputs,
                                           scaling: [(unscaled: Configuration, scaled: Configuration)],
                                           remedies: [Comparison]) -> Finding? {
        guard !scaling.isEmpty || !remedies.isEmpty else { return nil }
        let models = ModelName.allCases.filter { model in
            scaling.contains { $0.unscaled.settings.model.model == model }
        }
        let judgements = models.map { model in
            let pairs = scaling.filter { $0.unscaled.settings.model.model == model }
            return decidedAtTheLook(inputs.look, alpha: inputs.hypotheses[finding: 3].alpha) { included, level, scope in
                VerdictRules.instability(
                    subject: "\(model.rawValue): unscaled vs scaled",
                    unscaled: RunCount(runs(of: pairs.map(\.unscaled)).filter(included)),
                    scaled: RunCount(runs(of: pairs.map(\.scaled)).filter(included)), alpha: level, scope: scope)
            }
        }
        let widest = inputs.costs.values.map(\.prePoolChannels).max() ?? 0
        let steps = inputs.configurations.flatMap(\.runs).map(\.step).max() ?? 0
        return Finding(
            number: 3, hypothesis: inputs.hypotheses[finding: 3], title: "Unscaled wide residual networks die",
            claim: """
                Without scaling, residual variants with more than ~1000 filters became unstable and "died" early \
                in training (the last layer before average pooling produced only zeros after a few tens of \
                thousands of iterations); a lower learning rate and extra BatchNorm did not prevent it, scaling \
                the residuals by 0.1–0.3 did.
                """,
            comparisons: remedies, judgements: judgements,
            caveats: ["""
                The paper's instability appeared after tens of thousands of iterations with more than 1000 \
                filters; here the widest pre-pool layer has \(widest) channels and the longest run \(steps) steps, \
                so finding no instability does not contradict the paper at full scale.
                """])
    }

    /// Finding 4, when an unscaled residual configuration differs from another by warm-up alone (`warmups`, from
    /// `Pairs.remedies`): the comparisons of each such pair (`remedies`, under the hypothesis of finding 4), then
    /// per model the runs of the warm-up configurations against those of their partners without it. Runs with
    /// another remedy (a lower rate, the extra BatchNorm) stay out of the count, as in finding 3's.
    private static func warmupFinding(_ inputs: Inputs, warmups: [(unscaled: Configuration, treated: Configuration)],
                                      remedies: [Comparison]) -> Finding? {
        let models = ModelName.allCases.filter { model in
            warmups.contains { $0.treated.settings.model.model == model }
        }
        guard !models.isEmpty else { return nil }
        let judgements = models.map { model in
            let pairs = warmups.filter { $0.treated.settings.model.model == model }
            let without = runs(of: pairs.map(\.unscaled)), with = runs(of: pairs.map(\.treated))
            return decidedAtTheLook(inputs.look, alpha: inputs.hypotheses[finding: 4].alpha) { included, level, scope in
                VerdictRules.warmup(subject: "\(model.rawValue), unscaled",
                                    without: RunCount(without.filter(included)), with: RunCount(with.filter(included)),
                                    alpha: level, scope: scope)
            }
        }
        return Finding(
            number: 4, hypothesis: inputs.hypotheses[finding: 4], title: "Warm-up is not enough",
            claim: """
                He et al.'s two-phase training (a low-learning-rate warm-up, then the high rate) was not enough to \
                keep very wide residual networks from dying.
                """,
            comparisons: remedies, judgements: judgements,
            caveats: ["""
                The paper's statement concerns networks with very high filter counts; at small widths there may be \
                nothing for warm-up to prevent.
                """])
    }

    /// Finding 5, when a residual model ran both unscaled and scaled: each unscaled configuration against its
    /// scaled partner, under the hypothesis of finding 5.
    private static func scalingFinding(_ inputs: Inputs, scaling: [(unscaled: Configuration, scaled: Configuration)])
        -> Finding? {
        guard !scaling.isEmpty else { return nil }
        return Finding(
            hypothesis: inputs.hypotheses[finding: 5], title: "Scaling does not hurt final accuracy",
            claim: "Scaling the residuals by 0.1–0.3 before the addition never seemed to hurt final accuracy.",
            comparisons: scaling.map { pair in
                compare(inputs.hypotheses[finding: 5], reference: pair.unscaled, other: pair.scaled, macRatio: nil,
                        look: inputs.look)
            },
            caveats: ["""
                Unscaled runs that died keep training with a dead pre-pool layer; their final errors are \
                included, so scaling "not hurting" can reflect the unscaled runs' failure.
                """])
    }

    /// Finding 6, when at least two models ran: the cost of each pure configuration against its residual partner
    /// (pairs whose costs are both known). The claim is about the paper's networks, so a pair whose depths are not
    /// scaled alike (both published, or the same repeats), such as a control's made shallower or deeper alone, is
    /// shown but does not vote.
    private static func costFinding(_ inputs: Inputs, pairs: [(pure: Configuration, residual: Configuration)])
        -> Finding? {
        guard Set(inputs.configurations.map(\.settings.model.model)).count >= 2 else { return nil }
        return Finding(
            number: 6, title: "Cost",
            claim: """
                Inception-ResNet-v1 costs about what Inception-v3 costs and Inception-ResNet-v2 about what \
                Inception-v4 costs, yet Inception-v4 was "significantly slower in practice" (more layers).
                """,
            judgements: pairs.compactMap { pair in
                guard let pure = inputs.costs[pair.pure.label], let residual = inputs.costs[pair.residual.label]
                else { return nil }
                let judgement = VerdictRules.cost(subject: "\(pair.pure.label) vs \(pair.residual.label)",
                                                  ratio: CostRatio(pure: pure, residual: residual),
                                                  slowerClaim: pair.pure.settings.model.model == .inceptionV4)
                let depths = (pure: pair.pure.settings.model, residual: pair.residual.settings.model)
                let published = { (m: ModelConfig) in m.repeats == m.model.defaultRepeats }
                guard depths.pure.repeats != depths.residual.repeats,
                      !(published(depths.pure) && published(depths.residual)) else { return judgement }
                return judgement.abstaining("depths not scaled alike (repeats \(depths.pure.repeats) vs "
                    + "\(depths.residual.repeats); published \(depths.pure.model.defaultRepeats) vs "
                    + "\(depths.residual.model.defaultRepeats))")
            },
            caveats: [
                """
                Multiply-adds are counted for the configured width and input, not the full-size networks \
                (full size: IR-v2 paper layout ÷ v4 = 0.76, released IR-v2 ÷ v4 = 1.07).
                """,
                """
                Time per step is measured on this project's CPU engine with the thread counts in the table; \
                the paper's are GPU times.
                """,
            ])
    }
}
