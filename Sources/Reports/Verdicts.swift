import Statistics

/// Something that reaches a verdict: a comparison, a judgement.
protocol HasVerdict {
    /// Its verdict.
    var verdict: Verdict { get }
}

/// What the evidence says about a finding of the paper. A `Sendable` value.
public enum Verdict: String, Sendable, Equatable, Encodable {
    /// The runs show what the paper found, by the finding's rule.
    case reproduced
    /// The runs show the opposite, or not what the paper found, by the finding's rule.
    case notReproduced = "not reproduced"
    /// The runs cannot decide: too few seeds, differences within the spread, or nothing to observe.
    case inconclusive
}

/// A verdict on one comparison (a pair of configurations, or a group of runs) with the numbers behind it, in
/// one sentence. A `Sendable` value.
public struct Judgement: Sendable, Equatable, Encodable, HasVerdict {
    /// What was compared (configuration labels).
    public var subject: String
    /// The rule's outcome.
    public var verdict: Verdict
    /// The numbers that decided it.
    public var evidence: String
    /// Why it does not count in the finding's verdict, with the numbers behind the reason ("not cost-matched
    /// (multiply-adds ratio 1.59, outside 0.80–1.25)"); `nil` when it counts. A judgement that does not vote is
    /// still shown.
    public var abstention: String? = nil

    /// Whether it counts in the finding's verdict.
    public var votes: Bool { abstention == nil }

    /// The judgement in one sentence: why it does not vote, if it does not, then the evidence.
    public var statement: String { (abstention.map { "\($0): does not vote; " } ?? "") + evidence }

    /// The judgement shown but not counted, for `reason`.
    func abstaining(_ reason: String) -> Judgement {
        var judgement = self
        judgement.abstention = reason
        return judgement
    }
}

/// Runs of a group and how many of them became unstable (died or diverged). A `Sendable` value.
public struct RunCount: Sendable, Equatable {
    /// Runs in the group.
    public var runs: Int
    /// Runs that died or diverged.
    public var unstable: Int

    /// `unstable` of `runs`.
    public init(runs: Int, unstable: Int) {
        self.runs = runs
        self.unstable = unstable
    }

    /// The count of `records`.
    init(_ records: [RunRecord]) { self.init(runs: records.count, unstable: records.filter(\.isUnstable).count) }

    /// The unstable share (0 for an empty group).
    public var share: Double { runs > 0 ? Double(unstable) / Double(runs) : 0 }

    /// `unstable/runs`.
    var text: String { "\(unstable)/\(runs)" }
}

/// The verdict rules, one function per finding of docs/reports.md#the-findings, each over plain numbers so that
/// tests can build cases that pass, fail and are inconclusive. The report prints `VerdictRules.descriptions` verbatim.
public enum VerdictRules {
    /// The minimum number of seeds per configuration for a comparison of means (Welch's test needs a variance).
    public static let minimumSeeds = 2
    /// The fewest seeds per configuration on which a comparison of means may reproduce or refute a finding,
    /// whatever the power its observed spread implies: two seeds give each side's spread one degree of freedom,
    /// too few to trust that spread's verdict on how many seeds suffice.
    public static let seedsForAVerdict = 3

    /// The seeds per configuration a comparison under `hypothesis` needs at pooled standard deviation `std`, its
    /// test at level `alpha` (the hypothesis's unless given): those its declared power needs
    /// (`Power.seedsPerGroup`), at least `seedsForAVerdict`; nil when more than `Power.largestGroup` would be needed.
    public static func seedsNeeded(_ hypothesis: Hypothesis, std: Double, alpha: Double? = nil) -> Int? {
        Power.seedsPerGroup(hypothesis.test, margin: hypothesis.margin, std: std, alpha: alpha ?? hypothesis.alpha,
                            target: hypothesis.power).map { max($0, seedsForAVerdict) }
    }

    /// `early-error` (finding 1's default metric) averages the validation error over this leading fraction of
    /// the shorter configuration's training.
    public static let earlyFraction = 1.0 / 3.0
    /// Finding 6, and the default window in which a pair votes on findings 1 and 2: residual ÷ pure
    /// multiply-adds in this range counts as "about the same cost".
    public static let comparableCost = 0.8...1.25
    /// Finding 6: pure ÷ residual time per step at or above this counts as "significantly slower in practice".
    public static let slowerInPractice = 1.1
    /// Finding 3: an unstable share of unscaled runs shown below this (`instability`) refutes "unscaled wide
    /// residual networks die": the paper's networks died as a rule, not now and then.
    public static let typicalInstability = 0.5

    /// The rules of the findings without a hypothesis, as the report states them, by finding number (findings 1,
    /// 2 and 5 are stated by `description(of:)` from their hypotheses).
    public static let descriptions: [Int: String] = [
        3: """
            Among residual runs, unscaled (every scale 1) against scaled (scales below 1, learned scales, or the \
            reparametrised branch), of configurations that differ only by the scaling (a remedy's runs, with no \
            scaled partner, are not counted), a run being unstable when its network died (died_at_step) or it \
            diverged: \
            reproduced when Fisher's exact test (one-sided, at the finding's α) shows the unstable share higher \
            unscaled than scaled; not reproduced when the unscaled share is shown below \
            \(Int(typicalInstability * 100)) % (its one-sided Clopper–Pearson upper bound at 1 − α under it: none \
            unstable of 5 runs, at most 1 of 8; the paper's networks died as a rule, not now and then); \
            inconclusive otherwise, saying how many unscaled runs would decide, or when a group is missing.
            """,
        4: """
            Among unscaled residual runs, those with warm-up against those of the same recipe without it (runs \
            with another remedy are not counted): reproduced when at least one run with warm-up still died or diverged \
            (warm-up was not enough); not reproduced when none with warm-up did and Fisher's exact test \
            (one-sided, at the finding's α) shows the unstable share higher without warm-up (warm-up prevented \
            it); inconclusive otherwise, e.g. when nothing was unstable without warm-up either.
            """,
        6: """
            For each pure/residual pair: the costs are comparable when residual ÷ pure multiply-adds is within \
            \(comparableCost.lowerBound)–\(comparableCost.upperBound); for Inception-v4 pairs the paper also says \
            v4 is "significantly slower in practice", taken as pure ÷ residual median time per step ≥ \
            \(slowerInPractice). A pair reproduces the finding when its costs are comparable and (for v4) v4 is \
            slower; it does not when the costs are not comparable or v4 is not slower; it is inconclusive when a \
            step time is missing. Step times count only from runs that ran alone (`RunRecord.occupancy`: the \
            runner trained one run at a time) and computed with the experiment's timed setting (one processor, \
            library and thread count: docs/reports.md#times); without them the time part is inconclusive.
            """,
    ]

    /// The rule of a finding tested by a hypothesis (1, 2, 5; the remedies of 3 and 4), from the hypothesis.
    public static func description(of h: Hypothesis) -> String {
        let delta = switch h.finding {
        case 3, 4: "Δ = unscaled − with the remedy (how far the remedy lowers the metric; the paper: not by the "
            + "margin, so a shown claim reproduces it and a remedy shown to lower it by more refutes it)"
        case 5: "Δ = scaled − unscaled"
        default: "Δ = residual − pure"
        }
        let claim = switch h.test {
        case .superiority: "shown when Welch's one-sided test rejects Δ ≥ 0 at α (the other is lower); refuted "
            + "when it rejects Δ ≤ −margin instead (an advantage as large as the margin is excluded)"
        case .equivalence: "shown when both one-sided tests (TOST) reject |Δ| ≥ margin at α; refuted when a "
            + "one-sided test shows Δ beyond ±margin"
        case .nonInferiority: "shown when Welch's one-sided test rejects Δ ≥ margin at α (not worse by the "
            + "margin); refuted when it shows Δ > margin"
        }
        let pairs = h.costWindow.map { window in
            " Only pairs whose residual ÷ pure multiply-adds lie within \(NumberFormat.fixed(window.lowerBound, 2))–"
                + "\(NumberFormat.fixed(window.upperBound, 2)) vote; the others are shown as not cost-matched."
        } ?? ""
        return """
            \(h.text). Per configuration pair, with \(delta) of the per-run values: \(claim); equivalently, by \
            where Welch's \(NumberFormat.fixed((1 - 2 * h.alpha) * 100, 0)) % interval of Δ lies. A shown claim \
            reproduces the finding and a refuted one does not, but only when each side has the seeds per \
            configuration that \(NumberFormat.fixed(h.power * 100, 0)) % power needs at the observed pooled standard \
            deviation, and at least \(seedsForAVerdict); otherwise (too few seeds, however small the p-value, or no \
            decision) it is inconclusive, with those seeds, and with fewer than \(minimumSeeds) seeds on a side. A \
            diverged run has no value but is its side's worst outcome: it keeps a decision in its side's favour \
            (any decision, for equivalence) from counting.\(pairs)
            """
    }

    /// How the combination rule reads in the report.
    public static let combination = """
        A finding's verdict needs its voting comparisons to agree: reproduced when every one of them reproduces \
        it, not reproduced when every one does not, inconclusive otherwise (none votes, one is inconclusive, or \
        they disagree). One comparison cannot carry a finding against the others.
        """

    /// The finding's verdict from its judgements (`combination`): only voting judgements count, and they must
    /// agree: reproduced (or not reproduced) when every one of them says so, inconclusive otherwise.
    public static func combine(_ judgements: [Judgement]) -> Verdict {
        let verdicts = Set(judgements.filter(\.votes).map(\.verdict))
        return verdicts.count == 1 ? verdicts.first! : .inconclusive
    }

    /// Finding 3 (unscaled residual networks become unstable, scaled ones do not), at level `alpha` (the
    /// finding's hypothesis', or the look's: `Look`), counting the runs of `scope`, by the rule of
    /// `descriptions[3]`.
    public static func instability(subject: String, unscaled: RunCount, scaled: RunCount, alpha: Double,
                                   scope: Comparison.Scope? = nil) -> Judgement {
        var evidence = (scope.map { "on \($0.rawValue): " } ?? "")
            + "unstable (died or diverged): unscaled \(unscaled.text), scaled \(scaled.text)"
        let typical = "\(Int(typicalInstability * 100)) %"
        // How many unscaled runs, with no more of them unstable, would show their share below `typical`.
        let showingItBelow = (max(unscaled.runs, 1)...Power.largestGroup).first { n in
            Binomial.upperBound(successes: unscaled.unstable, of: n, confidence: 1 - alpha) < typicalInstability
        }.map { "\($0) unscaled runs with no more unstable would show it below" }
        guard unscaled.runs > 0 && scaled.runs > 0 else {
            return Judgement(subject: subject, verdict: .inconclusive, evidence: evidence + "; both groups are needed"
                             + (showingItBelow.map { " (\($0) \(typical))" } ?? ""))
        }
        let p = FisherExactTest.greaterP(unscaled.unstable, of: unscaled.runs, scaled.unstable, of: scaled.runs)
        let bound = Binomial.upperBound(successes: unscaled.unstable, of: unscaled.runs, confidence: 1 - alpha)
        evidence += "; higher unscaled: Fisher \(NumberFormat.pStatement(p))\(strictNote(alpha)); unscaled share at "
            + "most \(NumberFormat.fixed(bound * 100, 0)) % (\(NumberFormat.confidence(1 - alpha)) upper bound)"
        if p < alpha { return Judgement(subject: subject, verdict: .reproduced, evidence: evidence) }
        if bound < typicalInstability {
            return Judgement(subject: subject, verdict: .notReproduced, evidence: evidence)
        }
        evidence += ", not below \(typical)" + (showingItBelow.map { ": \($0)" } ?? "")
        return Judgement(subject: subject, verdict: .inconclusive, evidence: evidence)
    }

    /// Finding 4 (warm-up is not enough), from unscaled residual runs without and with warm-up, at level `alpha`
    /// (the finding's hypothesis', or the look's: `Look`), counting the runs of `scope`, by the rule of
    /// `descriptions[4]`.
    public static func warmup(subject: String, without: RunCount, with: RunCount, alpha: Double,
                              scope: Comparison.Scope? = nil) -> Judgement {
        var evidence = (scope.map { "on \($0.rawValue): " } ?? "")
            + "unstable (died or diverged): without warm-up \(without.text), with warm-up \(with.text)"
        let verdict: Verdict
        if with.runs == 0 {
            verdict = .inconclusive
        } else if with.unstable > 0 {
            verdict = .reproduced
        } else {
            let p = FisherExactTest.greaterP(without.unstable, of: without.runs, with.unstable, of: with.runs)
            evidence += "; higher without warm-up: Fisher \(NumberFormat.pStatement(p))\(strictNote(alpha))"
            verdict = p < alpha ? .notReproduced : .inconclusive
        }
        return Judgement(subject: subject, verdict: verdict, evidence: evidence)
    }

    /// ` (this look decides at p < 0.001)` when `alpha` is the strict level of a look that is not final (`Look`).
    static func strictNote(_ alpha: Double) -> String {
        alpha == Look.strictAlpha ? " (this look decides at p < \(NumberFormat.pValue(alpha)))" : ""
    }

    /// Finding 6 (comparable cost; v4 slower in practice) for one pair. `slowerClaim` is true for the
    /// Inception-v4 pairs.
    public static func cost(subject: String, ratio: CostRatio, slowerClaim: Bool) -> Judgement {
        var evidence = "residual ÷ pure: parameters \(NumberFormat.fixed(ratio.parameterRatio, 2)), "
            + "multiply-adds \(NumberFormat.fixed(ratio.macRatio, 2)), time per step "
            + NumberFormat.optional(ratio.stepTimeRatio, 2)
        let verdict: Verdict
        if !comparableCost.contains(ratio.macRatio) {
            verdict = .notReproduced
            evidence += "; the multiply-adds are not comparable"
        } else if !slowerClaim {
            verdict = .reproduced
        } else if let time = ratio.stepTimeRatio {
            let slower = 1 / time
            verdict = slower >= slowerInPractice ? .reproduced : .notReproduced
            evidence += "; pure ÷ residual time per step \(NumberFormat.fixed(slower, 2))"
        } else {
            verdict = .inconclusive
            evidence += "; no time per step from runs that ran alone"
        }
        return Judgement(subject: subject, verdict: verdict, evidence: evidence)
    }
}
