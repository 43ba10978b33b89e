import Testing
@testable import Reports

@Suite struct VerdictTests {
    /// A curve with one point per (epoch, values across seeds); step = epoch × 100.
    func curve(_ points: [(Double, [Double])]) -> [CurvePoint] {
        points.map { CurvePoint(step: Int($0.0 * 100), epoch: $0.0, wallTime: $0.0 * 60, value: Summary($0.1)!) }
    }

    let pure = [(0.5, [0.50, 0.52, 0.48]), (1.0, [0.40, 0.41, 0.39]), (1.5, [0.30, 0.31, 0.29]),
                (3.0, [0.20, 0.21, 0.19]), (6.0, [0.15, 0.16, 0.14])]

    @Test func earlyTrainingRule() {
        let faster = [(0.5, [0.30, 0.31, 0.29]), (1.0, [0.25, 0.26, 0.24]), (1.5, [0.29, 0.30, 0.28]),
                      (3.0, [0.20, 0.21, 0.19]), (6.0, [0.15, 0.16, 0.14])]
        // Early = epoch ≤ 2: residual lower by 20, 15 and 1 pt with a margin of 2 pt: wins 2 of 3.
        let win = VerdictRules.earlyTraining(subject: "a vs b", pure: curve(pure), residual: curve(faster))
        #expect(win.verdict == .reproduced)
        #expect(win.evidence.hasPrefix("residual lower beyond the margin at 2 of 3 early checkpoints, higher at 0"))
        let lose = VerdictRules.earlyTraining(subject: "", pure: curve(faster), residual: curve(pure))
        #expect(lose.verdict == .notReproduced)
        let noisy = pure.map { ($0.0, [$0.1[0] - 0.01, $0.1[0] + 0.2, $0.1[0] - 0.2]) }
        #expect(VerdictRules.earlyTraining(subject: "", pure: curve(pure), residual: curve(noisy)).verdict == .inconclusive)
        let oneSeed = faster.map { ($0.0, [$0.1[0]]) }
        let single = VerdictRules.earlyTraining(subject: "", pure: curve(pure), residual: curve(oneSeed))
        #expect(single.verdict == .inconclusive && single.evidence.contains("at least 2 seeds"))
    }

    @Test func finalErrorRule() {
        let same = VerdictRules.finalError(subject: "", pure: Summary([0.150, 0.152, 0.148]),
                                           residual: Summary([0.155, 0.157, 0.153]))
        #expect(same.verdict == .reproduced && same.evidence.contains("residual − pure +0.50 pt, tolerance 1.00 pt"))
        let apart = VerdictRules.finalError(subject: "", pure: Summary([0.15, 0.15]), residual: Summary([0.13, 0.13]))
        #expect(apart.verdict == .notReproduced)
        // A wide spread widens the tolerance to 2 × pooled std.
        let spread = VerdictRules.finalError(subject: "", pure: Summary([0.10, 0.20]), residual: Summary([0.13, 0.23]))
        #expect(spread.verdict == .reproduced)
        #expect(VerdictRules.finalError(subject: "", pure: Summary([0.15]), residual: Summary([0.15, 0.16])).verdict
                == .inconclusive)
    }

    @Test func instabilityRule() {
        func judge(_ unscaled: (Int, Int), _ scaled: (Int, Int)) -> Verdict {
            VerdictRules.instability(subject: "", unscaled: RunCount(runs: unscaled.0, unstable: unscaled.1),
                                     scaled: RunCount(runs: scaled.0, unstable: scaled.1)).verdict
        }
        #expect(judge((3, 2), (3, 0)) == .reproduced)
        #expect(judge((3, 0), (3, 0)) == .notReproduced)
        #expect(judge((3, 1), (3, 2)) == .notReproduced)
        #expect(judge((3, 1), (3, 0)) == .inconclusive)
        #expect(judge((0, 0), (3, 0)) == .inconclusive)
    }

    @Test func warmupRule() {
        func judge(_ without: (Int, Int), _ with: (Int, Int)) -> Verdict {
            VerdictRules.warmup(subject: "", without: RunCount(runs: without.0, unstable: without.1),
                                with: RunCount(runs: with.0, unstable: with.1)).verdict
        }
        #expect(judge((3, 3), (3, 1)) == .reproduced)
        #expect(judge((3, 2), (3, 0)) == .notReproduced)
        #expect(judge((3, 0), (3, 0)) == .inconclusive)
        #expect(judge((3, 3), (0, 0)) == .inconclusive)
    }

    @Test func scalingHarmRule() {
        #expect(VerdictRules.scalingHarm(subject: "", unscaled: Summary([0.20, 0.21]), scaled: Summary([0.15, 0.16]))
            .verdict == .reproduced)
        #expect(VerdictRules.scalingHarm(subject: "", unscaled: Summary([0.15, 0.16]), scaled: Summary([0.20, 0.21]))
            .verdict == .notReproduced)
        #expect(VerdictRules.scalingHarm(subject: "", unscaled: nil, scaled: Summary([0.20, 0.21])).verdict
                == .inconclusive)
    }

    @Test func costRule() {
        func ratio(macs: Double, time: Double?) -> CostRatio {
            CostRatio(pure: "v4", residual: "ir", parameterRatio: 1, macRatio: macs, stepTimeRatio: time)
        }
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 1.07, time: 0.8), slowerClaim: true).verdict == .reproduced)
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 1.07, time: 0.95), slowerClaim: true).verdict
                == .notReproduced)
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 0.71, time: 0.5), slowerClaim: true).verdict
                == .notReproduced)
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 1.07, time: nil), slowerClaim: true).verdict
                == .inconclusive)
        #expect(VerdictRules.cost(subject: "", ratio: ratio(macs: 1.1, time: nil), slowerClaim: false).verdict
                == .reproduced)
    }

    @Test func pairsCombine() {
        #expect(VerdictRules.combine([.reproduced, .inconclusive]) == .reproduced)
        #expect(VerdictRules.combine([.notReproduced, .inconclusive]) == .notReproduced)
        #expect(VerdictRules.combine([.reproduced, .notReproduced]) == .inconclusive)
        #expect(VerdictRules.combine([]) == .inconclusive)
    }
}
