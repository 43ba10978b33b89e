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
public struct Judgement: Sendable, Equatable, Encodable {
    /// What was compared (configuration labels).
    public var subject: String
    /// The rule's outcome.
    public var verdict: Verdict
    /// The numbers that decided it.
    public var evidence: String
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

    /// The unstable share (0 for an empty group).
    public var share: Double { runs > 0 ? Double(unstable) / Double(runs) : 0 }

    /// `unstable/runs`.
    var text: String { "\(unstable)/\(runs)" }
}

/// The verdict rules, one function per finding of architecture.md §7, each over plain numbers so that tests can
/// build cases that pass, fail and are inconclusive. The report prints `VerdictRules.descriptions` verbatim.
public enum VerdictRules {
    /// The minimum number of seeds per configuration for a comparison of means.
    public static let minimumSeeds = 2
    /// Finding 1 looks at the validation checkpoints in this leading fraction of the shorter training span.
    public static let earlyFraction = 1.0 / 3.0
    /// Findings 2 and 5: the smallest difference of final errors that counts (one percentage point).
    public static let finalTolerance = 0.01
    /// Finding 6: residual ÷ pure multiply-adds in this range counts as "about the same cost".
    public static let comparableCost = 0.8...1.25
    /// Finding 6: pure ÷ residual time per step at or above this counts as "significantly slower in practice".
    public static let slowerInPractice = 1.1

    /// The rules as the report states them, by finding number.
    public static let descriptions: [Int: String] = [
        1: """
            At each validation checkpoint in the first third of training (epoch ≤ ⅓ of the shorter run; the first \
            common checkpoint if none falls there) that both configurations evaluated with at least \(minimumSeeds) \
            seeds, the residual configuration wins when its mean validation top-1 error is lower than the pure \
            one's by more than the sum of their standard deviations across seeds, and loses when it is higher by \
            that margin. Reproduced when it wins at a majority of these checkpoints, not reproduced when it loses \
            at a majority, inconclusive otherwise or with fewer than \(minimumSeeds) seeds.
            """,
        2: """
            With Δ = residual − pure mean final validation top-1 error and tolerance max(1 pt, 2 × pooled standard \
            deviation across seeds): reproduced when |Δ| ≤ tolerance, not reproduced otherwise, inconclusive with \
            fewer than \(minimumSeeds) seeds (not diverged) in either configuration.
            """,
        3: """
            Among residual runs, unscaled (every scale 1) against scaled (scales below 1), a run being unstable when \
            its network died (died_at_step) or it diverged: reproduced when the unscaled share of unstable runs \
            exceeds the scaled share and at least two unscaled runs were unstable; not reproduced when it does not \
            exceed the scaled share (including when no run was unstable); inconclusive when only one unscaled run \
            makes the difference or a group is missing.
            """,
        4: """
            Among unscaled residual runs: reproduced when at least one run with warm-up still died or diverged \
            (warm-up was not enough); not reproduced when no warm-up run did while at least two runs without \
            warm-up did (warm-up prevented it); inconclusive otherwise, e.g. when nothing was unstable without \
            warm-up either.
            """,
        5: """
            For each scaled configuration against the unscaled one with the same model and recipe, with \
            Δ = scaled − unscaled mean final validation top-1 error and tolerance max(1 pt, 2 × pooled standard \
            deviation): scaling hurt when Δ > tolerance. Reproduced when no pair shows harm, not reproduced when \
            one does, inconclusive with fewer than \(minimumSeeds) seeds.
            """,
        6: """
            For each pure/residual pair: the costs are comparable when residual ÷ pure multiply-adds is within \
            \(comparableCost.lowerBound)–\(comparableCost.upperBound); for Inception-v4 pairs the paper also says \
            v4 is "significantly slower in practice", taken as pure ÷ residual median time per step ≥ \
            \(slowerInPractice). A pair reproduces the finding when its costs are comparable and (for v4) v4 is \
            slower; it does not when the costs are not comparable or v4 is not slower; it is inconclusive when a \
            step time is missing.
            """,
    ]

    /// How the pairs' verdicts make the finding's: reproduced when at least one is and none is not reproduced;
    /// not reproduced when at least one is not and none is reproduced; inconclusive otherwise (no pairs, all
    /// inconclusive, or pairs disagreeing).
    public static func combine(_ verdicts: [Verdict]) -> Verdict {
        let reproduced = verdicts.contains(.reproduced)
        let notReproduced = verdicts.contains(.notReproduced)
        switch (reproduced, notReproduced) {
        case (true, false): return .reproduced
        case (false, true): return .notReproduced
        default: return .inconclusive
        }
    }

    /// Finding 1 (residual trains faster) for one pair, from the two configurations' validation top-1 curves.
    public static func earlyTraining(subject: String, pure: [CurvePoint], residual: [CurvePoint]) -> Judgement {
        let residualByStep = Dictionary(residual.map { ($0.step, $0) }, uniquingKeysWith: { first, _ in first })
        let common = pure.compactMap { p in residualByStep[p.step].map { (pure: p, residual: $0) } }
            .filter { $0.pure.value.n >= minimumSeeds && $0.residual.value.n >= minimumSeeds }
        guard let first = common.first, let pureEnd = pure.last?.epoch, let residualEnd = residual.last?.epoch else {
            return Judgement(subject: subject, verdict: .inconclusive, evidence: """
                no validation checkpoint evaluated by both with at least \(minimumSeeds) seeds
                """)
        }
        let horizon = min(pureEnd, residualEnd) * earlyFraction
        let early = common.filter { max($0.pure.epoch, $0.residual.epoch) <= horizon }
        let checkpoints = early.isEmpty ? [first] : early
        var wins = 0, losses = 0
        let details = checkpoints.map { point -> String in
            let gap = point.pure.value.mean - point.residual.value.mean
            let margin = point.pure.value.std + point.residual.value.std
            if gap > margin { wins += 1 } else if -gap > margin { losses += 1 }
            return """
                epoch \(NumberFormat.fixed(point.pure.epoch, 2)): pure \(NumberFormat.percent(point.pure.value.mean)), \
                residual \(NumberFormat.percent(point.residual.value.mean)), residual − pure \
                \(NumberFormat.points(-gap)) (margin \(NumberFormat.fixed(margin * 100, 2)) pt)
                """
        }
        let verdict: Verdict = 2 * wins > checkpoints.count ? .reproduced
            : 2 * losses > checkpoints.count ? .notReproduced : .inconclusive
        return Judgement(subject: subject, verdict: verdict, evidence: """
            residual lower beyond the margin at \(wins) of \(checkpoints.count) early checkpoints, higher at \
            \(losses) (\(details.joined(separator: "; ")))
            """)
    }

    /// Finding 2 (same final error) for one pair, from the final validation top-1 errors across seeds.
    public static func finalError(subject: String, pure: Summary?, residual: Summary?) -> Judgement {
        sameFinalError(subject: subject, reference: pure, other: residual, names: ("pure", "residual"),
                       harmOnly: false)
    }

    /// Finding 3 (unscaled residual networks become unstable, scaled ones do not).
    public static func instability(subject: String, unscaled: RunCount, scaled: RunCount) -> Judgement {
        let evidence = "unstable (died or diverged): unscaled \(unscaled.text), scaled \(scaled.text)"
        guard unscaled.runs > 0 && scaled.runs > 0 else {
            return Judgement(subject: subject, verdict: .inconclusive,
                             evidence: evidence + "; both groups are needed")
        }
        let verdict: Verdict
        if unscaled.share <= scaled.share {
            verdict = .notReproduced
        } else {
            verdict = unscaled.unstable >= 2 ? .reproduced : .inconclusive
        }
        return Judgement(subject: subject, verdict: verdict, evidence: evidence)
    }

    /// Finding 4 (warm-up is not enough), from unscaled residual runs without and with warm-up.
    public static func warmup(subject: String, without: RunCount, with: RunCount) -> Judgement {
        let evidence = "unstable (died or diverged): without warm-up \(without.text), with warm-up \(with.text)"
        let verdict: Verdict
        if with.runs == 0 {
            verdict = .inconclusive
        } else if with.unstable > 0 {
            verdict = .reproduced
        } else {
            verdict = without.unstable >= 2 ? .notReproduced : .inconclusive
        }
        return Judgement(subject: subject, verdict: verdict, evidence: evidence)
    }

    /// Finding 5 (scaling does not hurt final accuracy) for one unscaled/scaled pair.
    public static func scalingHarm(subject: String, unscaled: Summary?, scaled: Summary?) -> Judgement {
        sameFinalError(subject: subject, reference: unscaled, other: scaled, names: ("unscaled", "scaled"),
                       harmOnly: true)
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
            evidence += "; no measured time per step"
        }
        return Judgement(subject: subject, verdict: verdict, evidence: evidence)
    }

    /// The shared rule of findings 2 and 5: Δ = other − reference mean, tolerance max(1 pt, 2 × pooled std);
    /// with `harmOnly`, only Δ > tolerance fails, otherwise |Δ| > tolerance does.
    private static func sameFinalError(subject: String, reference: Summary?, other: Summary?,
                                       names: (String, String), harmOnly: Bool) -> Judgement {
        let shown = "\(names.0) \(NumberFormat.percentMeanStd(reference)), \(names.1) \(NumberFormat.percentMeanStd(other))"
        guard let reference, let other, reference.n >= minimumSeeds, other.n >= minimumSeeds else {
            return Judgement(subject: subject, verdict: .inconclusive,
                             evidence: shown + "; fewer than \(minimumSeeds) seeds")
        }
        let delta = other.mean - reference.mean
        let tolerance = max(finalTolerance, 2 * Summary.pooledStd(reference, other))
        let fails = harmOnly ? delta > tolerance : abs(delta) > tolerance
        return Judgement(subject: subject, verdict: fails ? .notReproduced : .reproduced, evidence: """
            \(shown); \(names.1) − \(names.0) \(NumberFormat.points(delta)), tolerance \
            \(NumberFormat.fixed(tolerance * 100, 2)) pt
            """)
    }
}
