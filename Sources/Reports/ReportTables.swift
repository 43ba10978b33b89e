import Models
import Statistics

/// A table of text cells, printed as a markdown table (report.md) or as aligned columns (`--format text`).
/// A `Sendable` value.
struct ReportTable: Sendable, Equatable {
    var header: [String]
    var rows: [[String]]

    /// A GitHub-flavoured markdown table (`|` in cells escaped), ending with a newline.
    func markdown() -> String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        return line(header) + line(header.map { _ in "---" }) + rows.map(line).joined()
    }

    /// Columns padded with spaces under a dashed rule, two spaces apart, ending with a newline.
    func text() -> String {
        let widths = header.indices.map { column in rows.reduce(header[column].count) { max($0, $1[column].count) } }
        func line(_ cells: [String]) -> String {
            var text = zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
                .joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return line(header) + line(widths.map { String(repeating: "-", count: $0) }) + rows.map(line).joined()
    }
}

/// The tables every output format shares, so that report.md and `--format text` print the same numbers.
extension ExperimentReport {
    /// Finding, title and verdict.
    var verdictTable: ReportTable {
        ReportTable(header: ["finding", "claim", "verdict"],
                    rows: findings.map { ["\($0.number)", $0.title, $0.verdict.rawValue] })
    }

    /// The statistics of a finding's comparisons: n per side, Δ, its Welch and bootstrap 95 % intervals, the
    /// p-value of the hypothesis's test, the seeds its power needs, and whether the comparison votes.
    func comparisonTable(_ finding: Finding) -> ReportTable {
        comparisonTable(finding.comparisons, decision: { $0.decision?.rawValue ?? "no test" })
    }

    /// Each scaling against the unscaled network on the final pre-pool dead share (`scalingDeadShare`), its
    /// decision read as what the scaling does to the dead share.
    var scalingDeadShareTable: ReportTable {
        var table = comparisonTable(scalingDeadShare, decision: Self.deadShareDecision)
        table.header.removeLast()
        table.rows = table.rows.map { Array($0.dropLast()) }
        return table
    }

    /// Each scaling's answer to the question the paper leaves (issue 15's study 4): does it prevent the partial
    /// death (its `scalingDeadShare` comparison), and at what cost in final error (finding 5's comparison of the
    /// same pair)? Means of each side, the two decisions in words.
    var scalingSummaryTable: ReportTable {
        let finalError = findings.first { $0.number == 5 }?.comparisons ?? []
        return ReportTable(
            header: ["scaled configuration", "final dead share, scaled / unscaled", "the dead share",
                     "final error, scaled / unscaled", "Δ final error", "the final error (finding 5)"],
            rows: scalingDeadShare.map { dead in
                let error = finalError.first { $0.reference == dead.other && $0.other == dead.reference }
                func means(scaled: Summary?, unscaled: Summary?) -> String {
                    [scaled, unscaled].map { $0.map { NumberFormat.percent($0.mean) } ?? "–" }
                        .joined(separator: " / ")
                }
                return [dead.reference, means(scaled: dead.referenceValues, unscaled: dead.otherValues),
                        Self.decisionCell(dead, Self.deadShareDecision),
                        means(scaled: error?.otherValues, unscaled: error?.referenceValues),
                        error?.effect.map(NumberFormat.points) ?? "–",
                        error.map { Self.decisionCell($0, Self.finalErrorDecision) } ?? "–"]
            })
    }

    /// A dead-share comparison's decision (Δ = unscaled − scaled) as what the scaling does to the dead share.
    private static let deadShareDecision = decisionWords(shown: "lowers it by less than",
                                                         refuted: "lowers it by more than")

    /// A finding-5 comparison's decision (Δ = scaled − unscaled final error) as what the scaling costs.
    private static let finalErrorDecision = decisionWords(shown: "not worse by", refuted: "worse by more than")

    /// A comparison's decision in words: `shown` or `refuted`, each followed by the hypothesis's margin, else
    /// "undecided" or "no test".
    private static func decisionWords(shown: String, refuted: String) -> @Sendable (Comparison) -> String {
        { c in
            let margin = NumberFormat.fixed(c.hypothesis.margin * 100, 0) + " pt"
            return switch c.decision {
            case .shown?: "\(shown) \(margin)"
            case .refuted?: "\(refuted) \(margin)"
            case .undecided?: "undecided"
            case nil: "no test"
            }
        }
    }

    /// `comparisons` with their statistics, the decision as `decisionCell` words it.
    private func comparisonTable(_ comparisons: [Comparison], decision: (Comparison) -> String) -> ReportTable {
        let header = ["comparison", "n per side", "Δ", "95 % CI (Welch)", "95 % CI (bootstrap)",
                      "the test's CI (Welch, 1 − 2 × level)", "level",
                      "\(comparisons.first?.hypothesis.test.rawValue ?? "test") p", "decision",
                      "seeds needed per configuration", "votes"]
        return ReportTable(header: header, rows: comparisons.map { c in
            ["\(c.reference) vs \(c.other)",
             "\(c.referenceValues?.n ?? 0) / \(c.otherValues?.n ?? 0)",
             c.effect.map(NumberFormat.points) ?? "–",
             c.welchInterval.map(NumberFormat.interval) ?? "–",
             c.bootstrapInterval.map(NumberFormat.interval) ?? "–",
             c.decisionInterval.map(NumberFormat.interval) ?? "–",
             NumberFormat.fixed(c.level, c.level < 0.01 ? 3 : 2),
             c.pValue.map(NumberFormat.pValue) ?? "–",
             Self.decisionCell(c, decision),
             c.seedsNeeded.map(String.init) ?? (c.decision == nil ? "–" : "> \(Power.largestGroup)"),
             c.votes ? "yes" : "no (not cost-matched, MACs ratio \(NumberFormat.optional(c.macRatio, 2)))"]
        })
    }

    /// A comparison's decision as `words` put it, marked "too few seeds" when the test decided without the seeds
    /// its power needs and "a run diverged" when diverged runs keep the decision from counting (either leaves the
    /// verdict inconclusive).
    private static func decisionCell(_ c: Comparison, _ words: (Comparison) -> String) -> String {
        words(c) + ([.shown, .refuted].contains(c.decision) && !c.hasPower ? " (too few seeds)" : "")
            + (c.decision.map(c.divergenceBlocks) == true ? " (a run diverged)" : "")
    }

    /// What each configuration is and what became of its runs.
    var configurationTable: ReportTable {
        ReportTable(header: ["configuration", "model", "width", "scales", "lr", "remedies", "seeds", "finished",
                             "diverged", "died", "steps", "epochs"],
                    rows: configurations.map { c in
                        [c.label, c.model, "\(c.width)", c.scales, "\(c.learningRate)", c.remedies,
                         c.seeds.map(String.init).joined(separator: ","), "\(c.finished)", "\(c.diverged)", "\(c.died)",
                         "\(c.steps)", NumberFormat.fixed(c.epochs, 2)]
                    })
    }

    /// Epochs and training time to each target validation top-1 error.
    var timeToTargetTable: ReportTable {
        ReportTable(header: ["configuration", "target top-1", "reached", "epochs to target", "time to target (s)"],
                    rows: timeToTarget.map { t in
                        [t.configuration, NumberFormat.percent(t.target), "\(t.reached)/\(t.runs)",
                         NumberFormat.meanStd(t.epochs), NumberFormat.meanStd(t.time, digits: 1)]
                    })
    }

    /// Area under the validation top-1 curve.
    var errorAreaTable: ReportTable {
        ReportTable(header: ["configuration", "mean validation top-1 over training (area / epochs)", "epochs spanned"],
                    rows: errorAreas.map { a in
                        [a.configuration, NumberFormat.percentMeanStd(a.area), NumberFormat.optional(a.epochSpan, 2)]
                    })
    }

    /// Final and best errors (top-5 only when `topFiveIsInformative`).
    var finalQualityTable: ReportTable {
        let k = finalQuality.first?.lastK ?? 0
        let topFive = topFiveIsInformative
        return ReportTable(header: ["configuration", "final val top-1 (mean of last \(k))", "best val top-1"]
                               + (topFive ? ["final val top-5 (mean of last \(k))"] : [])
                               + ["test top-1", "diverged (left out)"],
                           rows: finalQuality.map { f in
                               [f.configuration, NumberFormat.percentMeanStd(f.finalTop1),
                                NumberFormat.percentMeanStd(f.bestTop1)]
                                   + (topFive ? [NumberFormat.percentMeanStd(f.finalTop5)] : [])
                                   + [NumberFormat.percentMeanStd(f.testTop1), "\(f.diverged)"]
                           })
    }

    /// Residual − pure final validation top-1 error over matching seeds.
    var pairedDifferenceTable: ReportTable {
        ReportTable(header: ["pure", "residual", "matching seeds", "residual − pure final val top-1 (pt)"],
                    rows: pairedDifferences.map { p in
                        [p.pure, p.residual, p.seeds.map(String.init).joined(separator: ","),
                         NumberFormat.meanStd(p.difference, scale: 100)]
                    })
    }

    /// Died and diverged runs, dead fractions and residual-stream RMS.
    var instabilityTable: ReportTable {
        func steps(_ steps: [Int]) -> String {
            steps.isEmpty ? "0" : "\(steps.count) (at \(steps.map(String.init).joined(separator: ", ")))"
        }
        return ReportTable(header: ["configuration", "scales", "lr", "remedies", "runs", "died", "diverged",
                                    "max dead pre-pool channels",
                                    "final dead pre-pool channels (last \(hypothesis(finding: 3).lastK) probes)",
                                    "final RMS A", "final RMS B", "final RMS C"],
                           rows: instability.map { i in
                               [i.configuration, i.scales, "\(i.learningRate)", i.remedies, "\(i.runs)",
                                steps(i.diedAtSteps),
                                steps(i.divergedAtSteps), NumberFormat.percentMeanStd(i.maxDeadFraction),
                                NumberFormat.percentMeanStd(i.finalDeadFraction)]
                                   + i.finalStageRMS.map { NumberFormat.meanStd($0, digits: 3) }
                           })
    }

    /// Parameters, multiply-adds and measured time per step.
    var costTable: ReportTable {
        ReportTable(header: ["configuration", "parameters", "MACs per image", "pre-pool channels", "batch", "runs",
                             "timed", "timed, alone", "median time per step, timed runs alone (s)",
                             "median time per step, timed runs (s)"],
                    rows: costs.map { c in
                        [c.configuration, grouped(c.parameters), grouped(c.macs), "\(c.prePoolChannels)",
                         "\(c.batchSize)",
                         "\(c.runs)", "\(c.timedRuns)", "\(c.runsAlone)", NumberFormat.optional(c.medianStepTime, 4),
                         NumberFormat.optional(c.medianStepTimeAnyRun, 4)]
                    })
    }

    /// Residual ÷ pure costs.
    var costRatioTable: ReportTable {
        ReportTable(header: ["pure", "residual", "parameters ratio", "MACs ratio", "time per step ratio (runs alone)"],
                    rows: costRatios.map { r in
                        [r.pure, r.residual, NumberFormat.fixed(r.parameterRatio, 3), NumberFormat.fixed(r.macRatio, 3),
                         NumberFormat.optional(r.stepTimeRatio, 3)]
                    })
    }
}
