import Foundation
import Reports
import ResultsStore
import Runner
import Testing

/// Issue 15's studies: each committed spec parses and plans against the real datasets, with the run count,
/// horizon, evaluation and hypotheses its comments promise (Experiments/README.md records them), and none of its
/// runs coincides with a run of another experiment in the committed database (its own may be there, under way).
/// And every spec file in Experiments/ declares the hypotheses stored with its experiment's committed runs, which
/// its report judged them by.
@Suite("Issue 15 study specs")
struct StudySpecTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func plan(_ name: String) throws -> ExperimentPlan {
        try ExperimentPlan(spec: ExperimentSpec(
                               contentsOf: root.appendingPathComponent("Experiments/\(name).yaml").path),
                           datasets: DatasetProvider())
    }

    @Test(arguments: [
        ("residual-vs-pure-long", 32, 8590), ("residual-scaling-controls", 15, 3000),
        ("residual-remedies", 17, 3000), ("residual-scale-variants", 45, 3000), ("residual-warmup", 12, 3000),
    ])
    func specPlans(name: String, runs: Int, steps: Int) throws {
        let plan = try Self.plan(name)
        #expect(plan.spec.name == name)
        #expect(plan.runs.count == runs)
        #expect(plan.runs.allSatisfy { $0.totalSteps == steps && $0.config.batchNormRecomputeBatches == 10 })
        let others = try ResultsReader(path: Self.root.appendingPathComponent("results/lab.sqlite").path)
            .query("SELECT r.run_key, e.name FROM runs r LEFT JOIN experiments e ON e.id = r.experiment_id").rows
            .filter { $0[1].string != name }.compactMap { $0[0].string }
        #expect(Set(plan.runs.map(\.runKey)).isDisjoint(with: others))
    }

    @Test func studiesDeclareTheirHypotheses() throws {
        let long = try Self.plan("residual-vs-pure-long").spec.hypotheses
        #expect(long[finding: 2].test == .equivalence && long[finding: 2].margin == 0.01 && long[finding: 2].lastK == 4)
        #expect(long[finding: 1].test == .superiority && long[finding: 1].metric == .earlyError)
        let remedies = try Self.plan("residual-remedies")
        for finding in [3, 4] {
            #expect(remedies.spec.hypotheses[finding: finding].metric == .finalDeadFraction)
            #expect(remedies.spec.hypotheses[finding: finding].margin == 0.1)
        }
        // The paper's rate for the warm-up, not a tenth of the main rate.
        #expect(remedies.runs.filter { $0.config.warmupSteps == 400 }
                    .allSatisfy { $0.config.warmupLearningRate == 1e-5 })
        #expect(remedies.runs.filter(\.config.model.prePoolBatchNorm).count == 3)
        // The warm-up asked again: the remedies' hypothesis and their two configurations but for the seeds.
        let warmup = try Self.plan("residual-warmup")
        #expect(warmup.spec.hypotheses[finding: 4] == remedies.spec.hypotheses[finding: 4])
        #expect(warmup.runs.map(\.config.seed).sorted() == (UInt64(21)...26).flatMap { [$0, $0] })
        for run in warmup.runs {
            var config = run.config
            config.seed = 1
            #expect(remedies.runs.contains { $0.config == config })
        }
        let variants = try Self.plan("residual-scale-variants")
        #expect(Set(variants.runs.map(\.config.model.residualScaleMode.rawValue)) == ["fixed", "layerscale", "rezero"])
        #expect(variants.runs.filter { $0.config.model.residualBranchLearningRateMultiplier == 0.1 }.count == 9)
    }

    @Test func committedExperimentsWereJudgedByTheirSpecFilesHypotheses() throws {
        let stored = try ResultsReader(path: Self.root.appendingPathComponent("results/lab.sqlite").path)
            .query("SELECT name, spec FROM experiments").rows
        var compared = 0
        for row in stored {
            let name = row[0].string!
            guard FileManager.default.fileExists(
                      atPath: Self.root.appendingPathComponent("Experiments/\(name).yaml").path)
            else { continue }
            #expect(try Hypotheses(spec: row[1].string ?? "") == Self.plan(name).spec.hypotheses,
                    "Experiments/\(name).yaml declares other hypotheses than those stored with its runs")
            compared += 1
        }
        #expect(compared >= 5)
    }
}
