import Foundation
import ResultsStore
import Runner
import Testing
import Training

@Suite("Run selection: --shard I/N and --run-key")
struct RunSelectionTests {
    let plan = try! Fixture.plan(Fixture.spec(grid: "  seed: [1, 2, 3, 4, 5]"))

    @Test func sharesSplitThePlanByPositionEachRunOnce() throws {
        let shares = try (0..<2).map { try RunSelection.shard(index: $0, count: 2).runs(of: plan).map(\.config.seed) }
        #expect(shares == [[1, 3, 5], [2, 4]])
        let three = try (0..<3).flatMap { try RunSelection.shard(index: $0, count: 3).runs(of: plan).map(\.runKey) }
        #expect(three.sorted() == plan.runs.map(\.runKey).sorted())
        #expect(try RunSelection.runKey(plan.runs[3].runKey).runs(of: plan).map(\.config.seed) == [4])
    }

    @Test func malformedSelectionsAreRefusedWithTheFix() throws {
        #expect(try RunSelection(shard: "1/4", runKey: nil) == .shard(index: 1, count: 4))
        #expect(try RunSelection(shard: nil, runKey: "abc") == .runKey("abc"))
        #expect(try RunSelection(shard: nil, runKey: nil) == .all)
        for bad in ["4/4", "-1/4", "1", "a/b", "1/0", "1/2/3"] {
            #expect(throws: SelectionError.self, "\(bad)") { try RunSelection(shard: bad, runKey: nil) }
        }
        #expect(throws: SelectionError.self) { try RunSelection(shard: "0/2", runKey: "abc") }
        do {
            _ = try RunSelection.runKey("0123456789abcdef").runs(of: plan)
            Issue.record("an unknown run key was accepted")
        } catch {
            #expect(error.description.contains("0123456789abcdef") && error.description.contains(plan.runs[0].runKey))
        }
    }

    /// A share queues and runs only its runs, in plan order, whatever else the database holds: here the whole
    /// spec was queued before, in another order.
    @Test func aShareRunsOnlyItsRunsWhateverTheDatabaseHolds() throws {
        let path = Fixture.databasePath()
        let store = try ResultsStore(path: path, owner: "share")
        let reversed = try Fixture.plan(Fixture.spec(grid: "  seed: [5, 4, 3, 2, 1]"))
        _ = try reversed.insert(into: store)
        let (experimentID, insertions) = try plan.insert(into: store, selection: .shard(index: 1, count: 2))
        #expect(insertions.map(\.inserted) == [false, false])
        let queue = RunQueue(store: store, experimentID: experimentID, experimentName: plan.spec.name,
                             checkpointDirectory: RunExecutor.checkpointDirectory(forDatabase: path),
                             datasets: Fixture.datasets())
        queue.runIDs = insertions.map(\.id)
        let reports = try queue.run(stop: StopFlag())
        #expect(reports.map(\.run.seed) == [2, 4] && reports.map(\.status) == ["finished", "finished"])
        let statuses = try Fixture.statuses(path: path)
        #expect(plan.runs.map { statuses[$0.runKey]! } == ["queued", "finished", "queued", "finished", "queued"])
    }
}
