import Statistics
import Testing
@testable import Reports

@Suite struct VerdictTests {
    func compare(_ finding: Int, _ reference: [Double], _ other: [Double], macRatio: Double? = 1) -> Comparison {
        Comparison(hypothesis: Hypotheses.defaults[finding: finding], reference: "a", referenceValues: reference,
                   other: "b", otherValues: other, macRatio: macRatio)
    }

    @Test func superiorityOfEarlyError() {
        // Residual 10 pt lower with a spread of 1 pt: shown (Welch one-sided p far below 0.05), but 3 seeds are
        // fewer than 80 % power needs at this spread: inconclusive, however small the p-value.
        let faster = compare(1, [0.40, 0.41, 0.39], [0.30, 0.31, 0.29])
        #expect(faster.decision == .shown && !faster.hasPower && faster.verdict == .inconclusive)
        #expect(faster.evidence.contains("Δ -10.00 pt, 95 % CI (Welch, ν = 4.0) [-12.27, -7.73] pt"))
        #expect(faster.evidence.contains("superiority p < 0.001, opposite p = 1.000"))
        #expect(faster.evidence.contains("too few seeds for 80 % power (the test alone would decide): needs "
                                         + "\(faster.seedsNeeded!) seeds per configuration"))
        // With the seeds the power needs, the same effect reproduces the finding.
        let wellSeeded = compare(1, [0.40, 0.41, 0.39, 0.40, 0.41, 0.39], [0.30, 0.31, 0.29, 0.30, 0.31, 0.29])
        #expect(wellSeeded.hasPower && wellSeeded.verdict == .reproduced)
        // Residual 10 pt higher: an advantage of 2 pt (the margin) is excluded.
        #expect(compare(1, [0.30, 0.31, 0.29, 0.30, 0.31, 0.29], [0.40, 0.41, 0.39, 0.40, 0.41, 0.39]).verdict
                == .notReproduced)
        #expect(compare(1, [0.30, 0.31, 0.29], [0.40, 0.41, 0.39]).verdict == .inconclusive)
        // Lower by 5 pt but with a spread of 15 pt: undecided, and the report says how many seeds would decide.
        let noisy = compare(1, [0.40, 0.55, 0.25], [0.35, 0.50, 0.20])
        #expect(noisy.verdict == .inconclusive && noisy.evidence.contains("too few seeds for 80 % power: needs"))
        let single = compare(1, [0.40], [0.30, 0.31])
        #expect(single.verdict == .inconclusive && single.evidence.contains("fewer than 2 seeds on a side"))
        // Lower by 1 pt with a spread of 0.2 pt: shown, and an advantage of 2 pt excluded too: shown wins, and the
        // evidence says the advantage is smaller than the margin.
        let small = compare(1, [0.400, 0.402, 0.398, 0.400, 0.402, 0.398], [0.390, 0.392, 0.388, 0.390, 0.392, 0.388])
        #expect(small.verdict == .reproduced && small.refutationPValue! < 0.05)
        #expect(small.evidence.contains("the advantage is also shown smaller than the 2.00 pt it was powered for"))
        #expect(!wellSeeded.evidence.contains("smaller than the"))
    }

    /// Two seeds a side decide nothing, however tight they are: the power their spread implies (2 seeds here)
    /// rests on one degree of freedom per side. A third seed each, as tight, decides.
    @Test func twoSeedsASideNeverDecide() {
        // The remedy (reference) leaves no dead channel, the unscaled network (other) half: Δ = 50 pt.
        let two = compare(3, [0.00, 0.01], [0.50, 0.51])
        #expect(two.decision == .refuted && Power.seedsPerGroup(.nonInferiority, margin: 0.1, std: two.pooledStd!,
                                                                 alpha: 0.05) == 2)
        #expect(two.seedsNeeded == VerdictRules.seedsForAVerdict && two.verdict == .inconclusive)
        #expect(two.evidence.hasSuffix("too few seeds for 80 % power (the test alone would decide): needs 3 seeds per "
                                       + "configuration"))
        #expect(compare(3, [0.00, 0.01, 0.00], [0.50, 0.51, 0.50]).verdict == .notReproduced)
    }

    @Test func equivalenceOfFinalErrorHasAFixedMargin() {
        #expect(compare(2, [0.150, 0.152, 0.148], [0.153, 0.155, 0.151]).verdict == .reproduced)
        #expect(compare(2, [0.150, 0.151, 0.149], [0.130, 0.131, 0.129]).verdict == .notReproduced)
        // The old rule's tolerance grew to 2 × the pooled std (14 pt here) and passed this; a fixed ±1 pt
        // margin cannot be shown with such noise.
        #expect(compare(2, [0.10, 0.20], [0.13, 0.23]).verdict == .inconclusive)
        // σ = 1 pt, margin 1 pt: TOST at α = 0.05 needs 18 seeds per configuration for 80 % power (PowerTests).
        let underpowered = compare(2, [0.14, 0.15, 0.16], [0.145, 0.155, 0.165])
        #expect(underpowered.verdict == .inconclusive && underpowered.seedsNeeded == 18)
        #expect(underpowered.evidence.hasSuffix("too few seeds for 80 % power: needs 18 seeds per configuration"))
    }

    @Test func nonInferiorityOfScaling() {
        #expect(compare(5, [0.150, 0.151, 0.149], [0.149, 0.150, 0.148]).verdict == .reproduced)
        #expect(compare(5, [0.150, 0.151, 0.149], [0.200, 0.201, 0.199]).verdict == .notReproduced)
        #expect(compare(5, [0.15, 0.16], [0.10, 0.30]).verdict == .inconclusive)
    }

    /// residual-scaling's scale 0.3 against unscaled: the one-sided test at 5 % clears the 1-pt margin (its 90 %
    /// interval ends below +1 pt) although the 95 % interval reaches past it.
    @Test func decisionsReadOffTheNinetyPercentInterval() throws {
        let c = compare(5, [0.15616666666666668, 0.1565], [0.15183333333333335, 0.15566666666666665])
        #expect(c.decision == .shown)
        let decisive = try #require(c.decisionInterval), wide = try #require(c.welchInterval)
        #expect(decisive[1] < 0.01 && wide[1] > 0.01 && wide[0] < decisive[0])
        #expect(c.evidence.contains("the test's 90 % CI [-1.44, +0.93] pt"))
    }

    @Test func onlyCostMatchedPairsVote() {
        let unmatched = compare(1, [0.40, 0.41, 0.39], [0.30, 0.31, 0.29], macRatio: 0.71)
        #expect(!unmatched.votes
                && unmatched.judgement.statement.hasPrefix("not cost-matched (multiply-adds ratio 0.71"))
        #expect(compare(1, [0.40, 0.41, 0.39], [0.30, 0.31, 0.29], macRatio: 1.16).votes)
        #expect(!compare(1, [0.40, 0.41, 0.39], [0.30, 0.31, 0.29], macRatio: nil).votes)
        // Finding 5 compares a model with itself: no window.
        #expect(compare(5, [0.15, 0.16], [0.15, 0.16], macRatio: nil).votes)
    }

    /// Finding 3's count: reproduced by Fisher's exact test (unscaled more often unstable), refuted when the
    /// unscaled share is shown below half; anything else, a few runs either way, inconclusive.
    @Test func instabilityRule() {
        func judge(_ unscaled: (Int, Int), _ scaled: (Int, Int)) -> Judgement {
            VerdictRules.instability(subject: "", unscaled: RunCount(runs: unscaled.0, unstable: unscaled.1),
                                     scaled: RunCount(runs: scaled.0, unstable: scaled.1), alpha: 0.05)
        }
        #expect(judge((3, 3), (4, 0)).verdict == .reproduced)       // Fisher p = 1/35
        #expect(judge((3, 3), (3, 0)).verdict == .inconclusive)     // p = 1/20, not below 0.05
        #expect(judge((3, 2), (3, 0)).verdict == .inconclusive)     // p = 0.2: the old rule said reproduced
        #expect(judge((5, 0), (3, 0)).verdict == .notReproduced)    // share ≤ 45 % (95 % upper bound)
        #expect(judge((8, 1), (3, 2)).verdict == .notReproduced)    // ≤ 47 %
        let few = judge((4, 0), (6, 0))   // ≤ 53 %: the old rule said not reproduced
        #expect(few.verdict == .inconclusive)
        #expect(few.evidence == "unstable (died or diverged): unscaled 0/4, scaled 0/6; higher unscaled: Fisher "
                + "p = 1.000; unscaled share at most 53 % (95 % upper bound), not below 50 %: 5 unscaled runs with no "
                + "more unstable would show it below")
        #expect(judge((2, 0), (2, 0)).verdict == .inconclusive && judge((3, 1), (3, 0)).verdict == .inconclusive)
        #expect(judge((0, 0), (3, 0)).verdict == .inconclusive)
    }

    /// Finding 4's count: one warm-up run that still died reproduces it; refuting it takes Fisher's exact test.
    @Test func warmupRule() {
        func judge(_ without: (Int, Int), _ with: (Int, Int)) -> Verdict {
            VerdictRules.warmup(subject: "", without: RunCount(runs: without.0, unstable: without.1),
                                with: RunCount(runs: with.0, unstable: with.1), alpha: 0.05).verdict
        }
        #expect(judge((3, 3), (3, 1)) == .reproduced)
        #expect(judge((4, 4), (3, 0)) == .notReproduced)   // Fisher p = 1/35
        #expect(judge((3, 2), (3, 0)) == .inconclusive)    // p = 0.2: the old rule said not reproduced
        #expect(judge((3, 0), (3, 0)) == .inconclusive)
        #expect(judge((3, 3), (0, 0)) == .inconclusive)
    }

    @Test func costRule() {
        func ratio(macs: Double, time: Double?) -> CostRatio {
            CostRatio(pure: "v4", residual: "ir", parameterRatio: 1, macRatio: macs, stepTimeRatio: time)
        }
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 1.07, time: 0.8), slowerClaim: true).verdict
                == .reproduced)
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 1.07, time: 0.95), slowerClaim: true).verdict
                == .notReproduced)
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 0.71, time: 0.5), slowerClaim: true).verdict
                == .notReproduced)
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 1.07, time: nil), slowerClaim: true).verdict
                == .inconclusive)
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 1.1, time: nil), slowerClaim: false).verdict
                == .reproduced)
    }

    @Test func votingComparisonsMustAgree() {
        func judgement(_ verdict: Verdict, votes: Bool = true) -> Judgement {
            Judgement(subject: "", verdict: verdict, evidence: "", abstention: votes ? nil : "not cost-matched")
        }
        #expect(VerdictRules.combine([judgement(.reproduced), judgement(.reproduced)]) == .reproduced)
        #expect(VerdictRules.combine([judgement(.reproduced), judgement(.inconclusive)]) == .inconclusive)
        #expect(VerdictRules.combine([judgement(.notReproduced), judgement(.notReproduced)]) == .notReproduced)
        #expect(VerdictRules.combine([judgement(.notReproduced), judgement(.inconclusive)]) == .inconclusive)
        #expect(VerdictRules.combine([judgement(.reproduced), judgement(.notReproduced)]) == .inconclusive)
        // A pair that is not cost-matched cannot carry the finding, nor block it.
        #expect(VerdictRules.combine([judgement(.reproduced, votes: false), judgement(.inconclusive)]) == .inconclusive)
        #expect(VerdictRules.combine([judgement(.notReproduced, votes: false), judgement(.reproduced)]) == .reproduced)
        #expect(VerdictRules.combine([judgement(.reproduced, votes: false)]) == .inconclusive)
        #expect(VerdictRules.combine([]) == .inconclusive)
    }
}
