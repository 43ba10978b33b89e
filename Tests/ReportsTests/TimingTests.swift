import Foundation
import ResultsStore
import RunContract
import Testing
@testable import Reports

/// Times are compared only between runs of one compute setting (docs/reports.md#times).
@Suite struct TimingTests {
    /// `residualExperiment` with the first seed of Inception-v4 and every seed of the scaled residual network on
    /// another processor, where their steps took a tenth of the time.
    private var mixed: [FixtureRun] {
        residualExperiment.map { run in
            var run = run
            if (run.model == "inception-v4" && run.seed == 0) || run.scale == 0.2 {
                run.processor = "Other CPU (family 26, model 2)"
                run.stepTime /= 10
            }
            return run
        }
    }

    @Test func timesComeFromTheSettingMostRunsUsed() throws {
        try withDatabase(runs: mixed) { path in
            let data = try ExperimentData.load(from: .init(path: path), experiment: "residual-vs-pure")
            #expect(data.timing.setting?.processor == "Test CPU")   // 5 runs against 4
            let report = try ExperimentReport(data)

            // Inception-v4's curve: every seed's error, the time of the two seeds on the timed processor only.
            let v4 = try #require(report.curves(of: Metric.validationTop1).first { $0.configuration == "inception-v4" })
            #expect(v4.points[1].value.n == 3 && abs(v4.points[1].time! - 60 * 0.6) < 1e-9)
            // The scaled network ran only on the other processor: no time, and no line against time.
            let scaled = try #require(report.curves(of: Metric.validationTop1).first {
                $0.configuration.contains("0.2")
            })
            #expect(scaled.points.allSatisfy { $0.time == nil } && scaled.points[1].value.n == 3)
            let spec = try #require(ChartSpec.all.first { $0.metric == Metric.validationTop1 && $0.axis == .time })
            let chart = spec.chart(report.curves(of: Metric.validationTop1))
            #expect(chart.series.count == 2 && !chart.series.contains { $0.label.contains("0.2") })
            let epochs = try #require(ChartSpec.all.first { $0.metric == Metric.validationTop1 && $0.axis == .epoch })
            #expect(epochs.chart(report.curves(of: Metric.validationTop1)).series.count == 3)

            // Time to target: epochs from all three seeds, seconds from the two timed ones.
            let target = try #require(report.timeToTarget.first { $0.configuration == "inception-v4" })
            #expect(target.reached == 3 && target.epochs?.n == 3 && target.time?.n == 2)

            // Time per step: the timed runs' only; the scaled network has none, so no ratio with it.
            let cost = try #require(report.costs.first { $0.configuration == "inception-v4" })
            #expect(cost.runs == 3 && cost.timedRuns == 2 && cost.medianStepTime == 0.6)
            let scaledCost = try #require(report.costs.first { $0.configuration.contains("0.2") })
            #expect(scaledCost.timedRuns == 0 && scaledCost.medianStepTime == nil)

            // What was run names both settings, the timed one first, and says where the times come from.
            #expect(report.overview.computeSettings.map(\.runs) == [5, 4])
            #expect(report.overview.computeSettings.map(\.timed) == [true, false])
            let text = report.markdown()
            #expect(text.contains("Test CPU, OpenBLAS test, 2 threads (5 runs); Other CPU (family 26, model 2), "
                                  + "OpenBLAS test, 2 threads (4 runs)"))
            #expect(text.contains("come only from the 5 runs computed with Test CPU, OpenBLAS test, 2 threads"))
        }
    }

    @Test func aTieGoesToTheSettingOfTheLatestRun() throws {
        let runs = residualExperiment.filter { $0.model == "inception-v4" }.prefix(2).enumerated().map { index, run in
            var run = run
            run.processor = index == 0 ? "Older CPU" : "Newer CPU"
            return run
        }
        try withDatabase(runs: runs) { path in
            let data = try ExperimentData.load(from: .init(path: path), experiment: "residual-vs-pure")
            #expect(data.timing.setting?.processor == "Newer CPU")
            #expect(!data.timing.times(data.runs[0]) && data.timing.times(data.runs[1]))
        }
    }

    /// A run resumed on another setting has times from two machines: it is never timed, and is listed apart.
    @Test func aRunResumedOnAnotherSettingIsNotTimed() throws {
        var runs = Array(residualExperiment.filter { $0.model == "inception-v4" })
        runs[2].extraJSON = #"{"earlier_settings": ["Older CPU, OpenBLAS test, 2 threads"]}"#
        try withDatabase(runs: runs) { path in
            let data = try ExperimentData.load(from: .init(path: path), experiment: "residual-vs-pure")
            #expect(data.timing.setting?.processor == "Test CPU" && data.runs[2].setting == nil)
            #expect(data.runs.map(data.timing.times) == [true, true, false])
            let report = try ExperimentReport(data)
            #expect(report.overview.computeSettings.map(\.setting)
                    == ["Test CPU, OpenBLAS test, 2 threads", "resumed on another setting"])
            #expect(report.costs[0].timedRuns == 2 && report.timeToTarget[0].time?.n == 2)
        }
    }

    /// A run whose recorded wall time counts ten minutes the process was stopped is placed in time at its pace:
    /// its curve and its time to target read as if it had not been stopped.
    @Test func aStopInTheWallTimeDoesNotMoveTheTimes() throws {
        var stopped = residualExperiment
        stopped[0].stop = (step: 40, seconds: 600)
        let times = try [residualExperiment, stopped].map { runs in
            try withDatabase(runs: runs) { path in
                let report = try report(path)
                let v4 = try #require(report.curves(of: Metric.validationTop1).first {
                    $0.configuration == "inception-v4"
                })
                return (v4.points.map(\.time), try #require(report.timeToTarget.first {
                    $0.configuration == "inception-v4"
                }).time)
            }
        }
        #expect(times[0].0 == times[1].0 && times[0].1 == times[1].1)
        #expect(abs(times[1].0[1]! - 60 * 0.6) < 1e-9)
        // The recorded wall time does count the stop.
        try withDatabase(runs: stopped) { path in
            let wall = try ResultsReader(path: path).metricSeries(run: 1, name: Metric.validationTop1)
            #expect(wall[1].wallTime == 60 * 0.6 + 600)
        }
    }

    @Test func oneSettingNeedsNoWordOnTimes() throws {
        try withDatabase(runs: residualExperiment) { path in
            let report = try report(path)
            #expect(report.overview.computeSettings.count == 1 && report.overview.computeSettings[0].runs == 9)
            #expect(!report.markdown().contains("come only from"))
        }
    }
}
