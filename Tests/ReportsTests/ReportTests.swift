import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ResultsStore
import RunContract
import Testing
@testable import Reports

@Suite struct ReportTests {
    @Test func findingsFollowFromTheRunsPresent() throws {
        try withDatabase(runs: residualExperiment) { path in
            let report = try report(path)
            #expect(report.findings.map(\.number) == [1, 2, 3, 5, 6])
            let verdicts = Dictionary(uniqueKeysWithValues: report.findings.map { ($0.number, $0) })
            // Pairs: v4 with the scaled and with the unscaled residual network. The unscaled network has two seeds
            // with values (seed 2 diverged), too few for a verdict (`VerdictRules.seedsForAVerdict`) however
            // clear its test: the scaled pair decides alone, which is not enough for the finding.
            #expect(verdicts[1]?.judgements.map(\.verdict) == [.reproduced, .inconclusive])
            #expect(verdicts[1]?.comparisons[1].decision == .shown)
            #expect(verdicts[1]?.verdict == .inconclusive)
            // Final error = mean of the last 3 evaluations (steps 240–300), where v4 (τ = 60 steps) is still 0.89 pt
            // above the scaled network (τ = 30): within ±1 pt, but not shown with these seeds. The unscaled network
            // ends 1 pt higher, which cancels that gap: equivalence shown by the test, but on two seeds.
            #expect(verdicts[2]?.judgements.map(\.verdict) == [.inconclusive, .inconclusive])
            #expect(verdicts[2]?.comparisons[1].decision == .shown)
            #expect(verdicts[2]?.verdict == .inconclusive)
            // Two of three unscaled runs unstable against none of three scaled: Fisher's p = 0.2, no verdict.
            #expect(verdicts[3]?.verdict == .inconclusive)
            #expect(verdicts[3]?.judgements.first?.evidence.hasPrefix(
                "unstable (died or diverged): unscaled 2/3, scaled 0/3; higher unscaled: Fisher p = 0.200") == true)
            #expect(verdicts[5]?.comparisons.map(\.decision) == [.shown] && verdicts[5]?.verdict == .inconclusive)
            // With one block per stage the multiply-adds are comparable (0.89); v4 takes 0.6 s per step against 0.4 s.
            #expect(verdicts[6]?.verdict == .reproduced)
            #expect(verdicts[6]?.judgements.first?.evidence.hasSuffix("pure ÷ residual time per step 1.50") == true)
            #expect(report.overview.caveats.first?
                        .hasPrefix("Scale: width α 0.125; budget epochs 3; dataset fashion-mnist") == true)
            #expect(verdicts[3]?.caveats.last?.contains("the widest pre-pool layer has 268 channels") == true)
        }
    }

    /// Finding 6 is about the paper's networks: a pair whose depths were changed unalike (a control's shallower
    /// inception-v4 against the residual network's depth) does not vote.
    @Test func costPairsOfUnalikeDepthDoNotVote() throws {
        let runs = residualExperiment.map { run in
            var run = run
            if run.model == "inception-v4" { run.repeats = [1, 2, 2] }
            return run
        }
        try withDatabase(runs: runs) { path in
            let report = try report(path)
            let cost = try #require(report.findings.first { $0.number == 6 })
            #expect(cost.verdict == .inconclusive)
            // Shown, with why they do not vote, in the report and in the overview.
            let why = "depths not scaled alike (repeats 1,2,2 vs 1,1,1; published 4,7,3 vs 5,10,5)"
            #expect(cost.judgements.count == 2 && cost.judgements.allSatisfy {
                $0.abstention == why && $0.statement.hasPrefix(why + ": does not vote; residual ÷ pure: parameters ")
            })
            #expect(try ResultsOverview(reader: ResultsReader(path: path)).markdown().contains(
                "inception-v4 vs inception-resnet-v2-paper scale 1.0: not reproduced, \(why): does not vote "
                    + "(residual ÷ pure: parameters "))
        }
    }

    @Test(arguments: ["--threads 1 --worker", "--shard 0/4 --threads 1", "--run-key 0123456789abcdef"])
    func stepTimesCountOnlyFromRunsThatRanAlone(sharing: String) throws {
        let workers = residualExperiment.map { run in
            var run = run
            run.commandLine = "inception-lab run test.yaml \(sharing)"
            return run
        }
        try withDatabase(runs: workers) { path in
            let report = try report(path)
            #expect(report.costs.allSatisfy {
                $0.medianStepTime == nil && $0.runsAlone == 0 && $0.medianStepTimeAnyRun != nil
            })
            let cost = try #require(report.findings.first { $0.number == 6 })
            #expect(cost.verdict == .inconclusive)
            #expect(cost.judgements.first?.evidence.hasSuffix("no time per step from runs that ran alone") == true)
            #expect(report.markdown().contains("Of the 9 runs, 0 ran alone, 9 ran as one of several processes of "
                                               + "their sweep (workers or scheduler tasks) sharing the machine, and 0 "
                                               + "did not record how they ran. No step time "
                                               + "here can support a timing verdict."))
        }
    }

    /// A study stopped part way is reported with what it left out and the command that takes it up again.
    @Test func unfinishedRunsAreLeftOutWithTheCommandThatResumesThem() throws {
        let killed = FixtureRun(model: "inception-v4", seed: 7, status: .killed, validation: decay(final: 0.2, tau: 60))
        try withDatabase(runs: residualExperiment + [killed]) { path in
            let report = try report(path)
            #expect(report.overview.unfinished == 1)
            #expect(report.markdown().contains("; left out: 1 killed; the unfinished ones resume with `inception-lab "
                                               + "run Experiments/residual-vs-pure.yaml --workers 2` (its spec)\n"))
        }
        try withDatabase(runs: residualExperiment) { path in
            let markdown = try report(path).markdown()
            #expect(!markdown.contains("resume"))
        }
    }

    @Test func warmupRunsAddFindingFour() throws {
        let warmup = (0..<3).map { seed in
            FixtureRun(model: "inception-resnet-v1", scale: 1, seed: seed, warmupSteps: 50, diedAtStep: 200,
                       validation: decay(final: 0.2, tau: 50))
        } + (0..<3).map { seed in
            FixtureRun(model: "inception-resnet-v1", scale: 1, seed: seed, diedAtStep: 100,
                       validation: decay(final: 0.2, tau: 50))
        }
        try withDatabase(runs: warmup) { path in
            let report = try report(path)
            #expect(report.findings.map(\.number) == [4])
            #expect(report.findings[0].verdict == .reproduced)
            #expect(report.configurations.map(\.label)
                    == ["inception-resnet-v1 scale 1.0", "inception-resnet-v1 scale 1.0 warm-up 50 steps at 0.001"])
        }
    }

    @Test func instabilityAndCostTables() throws {
        try withDatabase(runs: residualExperiment) { path in
            let report = try report(path)
            let unscaled = try #require(report.instability.last)
            #expect(unscaled.diedAtSteps == [100, 100] && unscaled.divergedAtSteps == [150] && unscaled.unstable == 2)
            #expect(unscaled.maxDeadFraction?.mean == 2.0 / 3 && report.instability[0].maxDeadFraction?.max == 0)
            #expect(unscaled.finalStageRMS.map { $0?.mean } == [1, 2, 3])
            let v4 = report.costs[0]
            #expect(v4.model == "inception-v4" && v4.medianStepTime == 0.6 && v4.timedRuns == 3 && v4.parameters > 0)
            #expect(report.costRatios.count == 2 && abs((report.costRatios[0].stepTimeRatio ?? 0) - 0.4 / 0.6) < 1e-12)
            #expect(report.pairedDifferences[0].seeds == [0, 1, 2]
                    && abs(report.pairedDifferences[0].difference!.mean + 0.0089) < 1e-4)
            #expect(report.pairedDifferences[1].seeds == [0, 1])
        }
    }

    @Test func chartsAreWellFormedSVGWithOneLineAndLegendEntryPerConfiguration() throws {
        try withDatabase(runs: residualExperiment) { path in
            let report = try report(path)
            let files = Dictionary(uniqueKeysWithValues: report.files().map { ($0.name, $0.contents) })
            // 10 classes: no top-5 charts (8 charts left, each an SVG and a CSV).
            #expect(!report.topFiveIsInformative && report.charts.allSatisfy { $0.metric != Metric.validationTop5 })
            #expect(files.count == 2 + 2 * 8)   // report.md, report.html, an SVG and a CSV per chart
            for spec in report.charts {
                let svg = try #require(files[spec.fileStem + ".svg"])
                let collector = ElementCollector()
                let parser = XMLParser(data: Data(svg.utf8))
                parser.delegate = collector
                #expect(parser.parse(), "\(spec.fileStem).svg is not well-formed XML")
                #expect(collector.root == "svg" && !collector.elements.contains("script"))
                // Residual-stream RMS only for the two residual configurations; the pure one drawn dashed.
                let lines = Metric.stageRMS.contains(spec.metric) ? 2 : 3
                #expect(collector.classes["line", default: 0] == lines
                        && collector.classes["band", default: 0] == lines)
                #expect(collector.classes["legend-entry", default: 0] == lines)
                #expect(collector.dashedLines == lines - 2, "\(spec.fileStem)")
                #expect(collector.texts.contains("inception-resnet-v2-paper scale 0.2 (n=3)"))
                #expect(collector.texts.contains("band: 95 % confidence interval of the mean (Student t)"))
                #expect(collector.texts.contains(spec.axis == .epoch ? "epoch" : "training time (s)"))
                // The verdicts' checkpoints on the validation error against epochs.
                let markers = spec.metric == Metric.validationTop1 && spec.axis == .epoch ? 2 : 0
                #expect(collector.classes["marker", default: 0] == markers, "\(spec.fileStem)")
                let csv = try #require(files[spec.fileStem + ".csv"])
                #expect(csv.hasPrefix("configuration,step,epoch,time_s,n,mean"))
                #expect(files["report.md"]!.contains("![\(spec.title)](\(spec.fileStem).svg)"))
            }
            let csv = files["val_top1_error-by-epoch.csv"]!.split(separator: "\n")
            #expect(csv[0] == "configuration,step,epoch,time_s,n,mean_percent,std_percent,min_percent,max_percent,"
                    + "ci95_low_percent,ci95_high_percent")
            #expect(csv.count == 1 + 3 * 10)
        }
    }

    /// The 95 % interval of a mean of 3 values with mean 2 and standard deviation 1 is 2 ± 4.3027 / √3.
    @Test func bandIsTheConfidenceIntervalOfTheMean() {
        let interval = ChartSpec.confidenceInterval(Summary([1, 2, 3])!)
        #expect(abs(interval.upperBound - (2 + 4.302652729749462 / 3.0.squareRoot())) < 1e-9)
        #expect(ChartSpec.confidenceInterval(Summary([5])!) == 5...5)
    }

    @Test func regeneratingGivesIdenticalBytes() throws {
        try withDatabase(runs: residualExperiment) { path in
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("ReportsTests-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let first = try ReportWriter.write(report(path), to: directory.appendingPathComponent("a").path)
            let second = try ReportWriter.write(report(path), to: directory.appendingPathComponent("b").path)
            #expect(first.count == second.count && first.count == 18)
            for (a, b) in zip(first, second) {
                #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)),
                        "\(a)")
            }
            #expect(try report(path).text() == report(path).text())
            #expect(try report(path).json() == report(path).json())
        }
    }

    @Test func experimentNamesComeFromSpecsOrArguments() throws {
        let spec = FileManager.default.temporaryDirectory
            .appendingPathComponent("ReportsTests-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: spec) }
        try "# residual ablation\nname: \"residual-vs-pure\"  # the paper's finding 1\ngrid:\n  name: nested\n"
            .write(to: spec, atomically: true, encoding: .utf8)
        #expect(try ReportWriter.experimentName(spec.path) == "residual-vs-pure")
        #expect(try ReportWriter.experimentName("scaling") == "scaling")
    }

    @Test func unknownExperimentNamesTheKnownOnes() throws {
        _ = try withDatabase(runs: [residualExperiment[0]]) { path in
            #expect { try report(path, experiment: "nope") } throws: { error in
                "\(error)".contains("no experiment named 'nope'") && "\(error)".contains("it holds: residual-vs-pure")
            }
        }
    }
}

/// Collects element names, `class` attribute counts and text of an XML document.
final class ElementCollector: NSObject, XMLParserDelegate {
    var root: String?
    var elements: Set<String> = []
    var classes: [String: Int] = [:]
    var texts: [String] = []
    var dashedLines = 0

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = name }
        elements.insert(name)
        if let value = attributes["class"] { classes[value, default: 0] += 1 }
        if attributes["class"] == "line" && attributes["stroke-dasharray"] != nil { dashedLines += 1 }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        let text = string.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty { texts.append(text) }
    }
}
