import Foundation
import ResultsStore
import Runner
import Testing

/// Hypotheses are declared before the runs: once a run of an experiment has started, a spec of the same name may
/// add seeds or change comments, not its hypotheses.
@Suite("Hypotheses fixed once runs start")
struct HypothesesFixedTests {
    static let declared = """
        hypotheses:
          finding3: {margin: 10}
        """
    static let moved = """
        hypotheses:
          finding3: {margin: 5}
        """

    @Test func aChangedMarginIsRefusedOnceARunHasStarted() throws {
        let store = try ResultsStore(path: Fixture.databasePath(), owner: "hypotheses")
        let first = try Fixture.plan(Fixture.spec(extra: Self.declared))
        _ = try first.insert(into: store)
        // Before any run starts, the hypotheses may still change.
        _ = try Fixture.plan(Fixture.spec(extra: Self.moved)).insert(into: store)
        _ = try first.insert(into: store)
        _ = try store.claimFirst(of: store.queuedRunIDs())

        do {
            _ = try Fixture.plan(Fixture.spec(extra: Self.moved)).insert(into: store)
            Issue.record("a spec with a moved margin was accepted after a run started")
        } catch let error as SpecError {
            #expect(error.location == "hypotheses")
            #expect(error.problem.contains("finding3") && error.problem.contains("1 of its runs have started")
                    && error.problem.contains("new name"), "\(error)")
        }
        #expect(try store.storedSpec(experiment: "test")?.spec.contains("margin: 10") == true,
                "the refused spec must not replace the stored one")

        // More seeds and a comment, the same hypotheses: accepted, and the new run queued.
        let more = try Fixture.plan(Fixture.spec(grid: "  seed: [1, 2, 3]", extra: "# more seeds\n" + Self.declared))
        let (_, insertions) = try more.insert(into: store)
        #expect(insertions.map(\.inserted) == [false, false, true])
    }
}
