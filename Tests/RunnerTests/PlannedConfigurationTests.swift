import Foundation
import Reports
import ResultsStore
import Runner
import Testing

/// `plan` judges a spec's comparisons before its runs exist (`PowerPlan`): a planned run's configuration must be
/// the one its report will read from the database, settings and all, or the two would pair configurations
/// differently.
@Suite("Planned configurations")
struct PlannedConfigurationTests {
    @Test func aPlannedRunsConfigurationIsTheOneItsReportReads() throws {
        let plan = try Fixture.plan(Fixture.spec(grid: """
              seed: [1, 2]
              model.residualScales: [[1, 1, 1], [0.1, 0.1, 0.1]]
              warmupSteps: [0, 4]
              warmupLearningRate: [1e-5]
            """))
        let path = Fixture.databasePath()
        let store = try ResultsStore(path: path, owner: "planned")
        _ = try plan.insert(into: store)
        while let run = try store.claimFirst(of: store.queuedRunIDs()) { try store.finish(run: run.id, as: .finished) }

        let stored = try ExperimentData.load(from: ResultsReader(path: path), experiment: plan.spec.name).runs
        #expect(stored.count == 8)
        for (planned, run) in zip(plan.runs, stored) {
            #expect(try planned.runConfiguration() == run.configuration, "\(planned.name)")
        }
        // Seeds aside, the four configurations are distinct and each one's two seeds alike.
        #expect(Set(try plan.runs.map { try $0.runConfiguration() }).count == 4)
    }
}
