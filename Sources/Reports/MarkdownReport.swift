import RunContract
import Statistics

/// report.md: the verdicts, what was run, one section per finding with its evidence and caveats, then the
/// curves, training speed, final quality, instability and cost they rest on, and the verdict rules. Charts are
/// embedded as `![title](file.svg)` next to a link to their CSV. No timestamps: the same database gives the same
/// bytes.
extension ExperimentReport {
    /// The charts this report draws, in order: those of `ChartSpec.all` with a charted curve that has points,
    /// without top-5 error unless some configuration has more than `topFiveMinimumClasses` classes.
    public var charts: [ChartSpec] {
        ChartSpec.all.filter { spec in
            (spec.metric != Metric.validationTop5 || topFiveIsInformative)
                && chartedCurves(of: spec.metric).contains { !$0.points.isEmpty }
        }
    }

    /// The curves a chart of `metric` draws: every configuration's, but residual-stream RMS only for residual
    /// networks (a pure network has no residual stream).
    func chartedCurves(of metric: String) -> [MetricCurve] {
        curves(of: metric).filter { $0.isResidual || !Metric.stageRMS.contains(metric) }
    }

    /// The validation checkpoints the verdicts use, as markers in epochs: where finding 1's first third of
    /// training ends, and where the last k evaluations of findings 2 and 5 begin (the earliest over the
    /// configurations compared).
    var verdictMarkers: [SVGChart.Marker] {
        let validation = Dictionary(uniqueKeysWithValues: curves(of: Metric.validationTop1).map {
            ($0.configuration, $0.points)
        })
        var markers: [SVGChart.Marker] = []
        for finding in findings {
            let compared = finding.comparisons.map { (validation[$0.reference] ?? [], validation[$0.other] ?? []) }
            guard let h = finding.comparisons.first?.hypothesis else { continue }
            switch h.metric {
            case .earlyError:
                for horizon in Set(compared.map { min($0.0.last?.epoch ?? 0, $0.1.last?.epoch ?? 0) }).sorted() {
                    markers.append(.init(x: horizon * VerdictRules.earlyFraction,
                                         label: "finding \(h.finding): first third"))
                }
            case .finalDeadFraction:
                continue
            case .finalError:
                let starts = compared.flatMap { [$0.0, $0.1] }.compactMap { $0.dropLast(h.lastK - 1).last?.epoch }
                if let start = starts.min() {
                    markers.append(.init(x: start, label: "finding \(h.finding): last \(h.lastK)"))
                }
            }
        }
        // Findings 2 and 5 share a position when they share k; one marker, both named.
        return Dictionary(grouping: markers, by: \.x).sorted { $0.key < $1.key }.map { x, group in
            .init(x: x, label: group.map(\.label).joined(separator: ", "))
        }
    }

    /// Every file of the report by name: report.md, report.html, and an SVG and a CSV per chart.
    public func files() -> [(name: String, contents: String)] {
        [("report.md", markdown()), ("report.html", html())] + charts.flatMap { spec in
            [(spec.fileStem + ".svg", chart(spec).render()),
             (spec.fileStem + ".csv", spec.csv(chartedCurves(of: spec.metric)))]
        }
    }

    /// The chart `spec` draws for this report: its charted curves, with the verdicts' checkpoints marked on
    /// validation top-1 error. The SVG file and report.html's inlined figure both draw this.
    func chart(_ spec: ChartSpec) -> SVGChart {
        spec.chart(chartedCurves(of: spec.metric), markers: spec.metric == Metric.validationTop1 ? verdictMarkers : [])
    }

    /// The markdown document.
    public func markdown() -> String {
        var md = "# Experiment `\(experiment)`\n\n"
        if !description.isEmpty { md += description + "\n\n" }
        md += """
            Generated from the results database alone by `inception-lab report \(experiment)`. Errors are in \
            percent; `±` is the sample standard deviation across seeds and `n` the number of seeds; `pt` are \
            percentage points. The paper is Szegedy et al. 2016, "Inception-v4, Inception-ResNet and the Impact of \
            Residual Connections on Learning"; the findings are numbered as in the repository's \
            docs/reports.md#the-findings.

            ## Verdicts

            \(findings.isEmpty ? "The runs present test none of the paper's findings.\n"
                : verdictTable.markdown() + "\n" + lookLine + "\n")
            ## What was run

            \(overviewText(bullet: "- ", code: "`"))
            \(configurationTable.markdown())
            ### Caveats

            \(overview.caveats.map { "- \($0)\n" }.joined())
            ## Findings

            Each finding below also carries the caveats above.


            """
        for finding in findings {
            md += """
                ### Finding \(finding.number): \(finding.title)

                Paper: \(finding.claim)

                Rule: \(finding.rule)

                \(finding.judgements.isEmpty ? "- \(Finding.noComparison)\n"
                    : finding.judgements.map {
                        "- \($0.subject): **\($0.verdict.rawValue)**\($0.votes ? "" : " (does not vote)") — "
                            + "\($0.statement)\n"
                    }.joined())\
                \(finding.comparisons.isEmpty ? "" : "\n" + comparisonTable(finding).markdown())
                \(finding.caveats.isEmpty ? "" : "Caveats:\n\n" + finding.caveats.map { "- \($0)\n" }.joined())
                **Verdict: \(finding.verdict.rawValue).**


                """
        }
        md += "## Curves\n\n" + embed(charts.filter { speedMetrics.contains($0.metric) })
        md += """
            ## Training speed

            Epochs and training time until the validation top-1 error first reached each target (at an \
            evaluation; no interpolation), over the runs that reached it; `reached` counts them. A run's training \
            time is its steps at its pace, the median of its logged times per step (docs/reports.md#times). Targets: \
            \(targets.map(NumberFormat.percent).joined(separator: ", ")).

            \(timeToTargetTable.markdown())
            Area under the validation top-1 curve (trapezoids over epochs, divided by the epochs spanned: the mean \
            error over training; lower is faster); diverged runs are left out.

            \(errorAreaTable.markdown())
            ## Final quality

            Final (mean of the last \(finalQuality.first?.lastK ?? 0) evaluations) and lowest validation error of each \
            run; diverged runs are left out.

            \(finalQualityTable.markdown())
            \(pairedDifferences.isEmpty ? ""
                : "Paired by seed (same width and recipe):\n\n" + pairedDifferenceTable.markdown() + "\n")\
            ## Instability

            A run died when at least the configured share of its last pre-pool layer's channels output only zeros \
            at consecutive probes (`died_at_step`); it diverged when its loss or a gradient became non-finite.

            \(instabilityTable.markdown())
            \(scalingDeadShare.isEmpty ? "" : scalingDeadShareText + "\n\n" + scalingDeadShareTable.markdown() + "\n"
                + scalingSummaryText + "\n\n" + scalingSummaryTable.markdown() + "\n")\
            \(embed(charts.filter { !speedMetrics.contains($0.metric) }))\
            ## Cost

            Parameters and multiply-adds of the networks as configured; time per step is the median of the logged \
            `step_time` over the configuration's timed runs (docs/reports.md#times: those computed with the \
            setting most runs used, the first under What was run) that ran alone (the only ones a verdict uses: the \
            runner trained one run at a time) and, for information, over all its timed runs. \(occupancyText)

            \(costTable.markdown())
            \(costRatios.isEmpty ? "" : costRatioTable.markdown() + "\n")\
            ## Verdict rules

            Findings 1, 2 and 5, and the remedies of findings 3 and 4, are tested as hypotheses declared in the \
            experiment's spec before its runs (defaults where it declares none; docs/reports.md); findings 3 and 4 \
            also count unstable runs. Δ is a difference of means across seeds; the intervals are 95 % \
            two-sided, Welch's t (unequal variances) and a percentile bootstrap (\(Bootstrap.defaultResamples) \
            resamples, seed \(Comparison.bootstrapSeed)) beside it; verdicts use Welch's tests.

            \(ruleTexts.map { "\($0.number). \($0.text)\n" }.joined())
            \(VerdictRules.combination)

            \(Look.rule)
            """
        return md
    }

    /// What the table of `scalingDeadShare` shows.
    var scalingDeadShareText: String {
        guard let h = scalingDeadShare.first?.hypothesis else { return "" }
        return "Does each scaling (fixed, learned or reparametrised) prevent the partial death? The final dead "
            + "share of the pre-pool channels (mean of the last \(h.lastK) probes) of each scaled configuration "
            + "against the unscaled one, with Δ = unscaled − scaled, tested against finding 3's margin of "
            + NumberFormat.fixed(h.margin * 100, 0) + " pt (Welch, α = \(NumberFormat.fixed(h.alpha, 2)))."
    }

    /// What the table of `scalingSummaryTable` shows.
    var scalingSummaryText: String {
        let k = hypothesis(finding: 5).lastK
        return "What each scaling buys and what it costs: whether it lowers the final dead share by more than "
            + "finding 3's margin (the table above), and its final error (mean of the last \(k) evaluations) against "
            + "the unscaled network's under finding 5's hypothesis (its comparisons under Verdicts). Means over "
            + "seeds; a decision marked too few seeds is not a verdict."
    }

    /// Every finding's rule by number: the fixed rule (3, 4, 6), then the hypothesis's (1, 2, 5, and the
    /// remedies of 3 and 4), joined by a space.
    var ruleTexts: [(number: Int, text: String)] {
        (1...6).map { n in
            (n, [VerdictRules.descriptions[n], hypotheses.first { $0.finding == n }.map(VerdictRules.description(of:))]
                .compactMap { $0 }.joined(separator: " "))
        }
    }

    /// How the runs shared the machine, and what that means for the timing verdict.
    var occupancyText: String {
        let alone = overview.occupancy[Occupancy.alone.rawValue] ?? 0
        let shared = overview.occupancy[Occupancy.shared.rawValue] ?? 0
        let unrecorded = overview.occupancy[Occupancy.unrecorded.rawValue] ?? 0
        var text = "Of the \(overview.runs) runs, \(alone) ran alone, \(shared) ran as one of several processes "
            + "of their sweep (workers or scheduler tasks) sharing the machine, and \(unrecorded) did not record "
            + "how they ran."
        if alone == 0 { text += " No step time here can support a timing verdict." }
        return text
    }

    /// The metrics of the training-speed charts.
    private var speedMetrics: [String] { [Metric.validationTop1, Metric.validationTop5, Metric.trainLoss] }

    /// Each chart of `specs` as an image with a link to its data.
    private func embed(_ specs: [ChartSpec]) -> String {
        specs.map { "![\($0.title)](\($0.fileStem).svg)\n\n[data: \($0.fileStem).csv](\($0.fileStem).csv)\n\n" }
            .joined()
    }

    /// `Look: …`: which look at the results the verdicts are (`Look.text`).
    var lookLine: String { "Look: \(overview.look.text)." }

    /// Runs, shared and varying settings, and environments, one item per line starting with `bullet`; paths and
    /// values wrapped in `code` (a backtick in markdown, nothing in text).
    func overviewText(bullet: String, code: String) -> String {
        let o = overview
        let excluded = o.excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        func list(_ values: [String]) -> String { values.isEmpty ? "not recorded" : values.joined(separator: "; ") }
        let runs = "Runs: \(o.runs) included (finished or diverged)"
            + (excluded.isEmpty ? "" : "; left out: \(excluded.joined(separator: ", "))")
            + (o.unfinished > 0 ? "; the unfinished ones resume with \(code)inception-lab run "
                + "Experiments/\(experiment).yaml --workers 2\(code) (its spec)" : "")
        let shared: [String] = o.sharedSettings.map { "\(code)\($0.path)=\($0.value)\(code)" }
        let varying: [String] = o.varyingSettings.map { "\(code)\($0)\(code)" }
        let computed: [String] = o.computeSettings.map { "\($0.setting) (\($0.runs) run\($0.runs == 1 ? "" : "s"))" }
        var times: [String] = []
        if o.computeSettings.count > 1, let timed = o.computeSettings.first(where: \.timed) {
            times.append("Times (the curves against time, time to target, time per step) come only from the "
                + "\(timed.runs) runs computed with \(timed.setting): times from other processors, libraries or "
                + "thread counts are not compared with them (docs/reports.md#times)")
        }
        let lines: [String] = [
            runs,
            "Shared settings: " + shared.joined(separator: ", "),
            "Varying settings: " + (varying.isEmpty ? "none" : varying.joined(separator: ", ")),
            "Code revision: \(list(o.codeRevisions))",
            "Computed on \(list(o.hosts)) with: \(computed.joined(separator: "; "))",
            "Swift: \(list(o.swiftVersions)); dataset checksum: \(list(o.datasetChecksums))",
        ] + times
        return lines.map { bullet + $0 + "\n" }.joined()
    }
}
