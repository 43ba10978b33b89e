import Foundation
import ResultsStore
import Testing

/// A spec of two tiny runs (seeds 1 and 2) called `name`, at `learningRate` (a run is its configuration and seed,
/// so specs of the same runs would share them).
func twoTinyRuns(_ name: String, learningRate: Double = 0.045) -> String {
    """
    name: \(name)
    base:
      learningRate: \(learningRate)
      model: {model: inception-resnet-v2-paper, width: 0.0625, repeats: [1, 1, 1]}
      data: {name: synthetic, validationCount: 64}
      batchSize: 8
      budget: {steps: 2}
    grid:
      seed: [1, 2]
    """
}

/// `run` with several specs queues all of them first, then works through them in the order given.
@Suite("run with several specs", .serialized)
struct SeveralSpecsTests {
    @Test(.timeLimit(.minutes(2)))
    func runsTheSpecsInTheOrderGiven() throws {
        let scratch = try Scratch()
        try scratch.write("b.yaml", twoTinyRuns("b"))
        try scratch.write("a.yaml", twoTinyRuns("a", learningRate: 0.01))
        let finished = try inceptionLab(["run", "b.yaml", "a.yaml", "--db", scratch.db, "--threads", "1"],
                                        in: scratch.url)
        #expect(finished.reason == .exit && finished.status == 0, "\(finished.output)")
        #expect(finished.output.contains("experiment b: 2 runs, 2 newly queued")
                && finished.output.contains("experiment a: 2 runs, 2 newly queued"), "\(finished.output)")
        #expect(finished.output.hasSuffix("experiment b: 2 finished\nexperiment a: 2 finished\n"), "\(finished.output)")
        // Both queued before either ran; b's runs started before a's.
        let rows = try ResultsReader(path: scratch.db).query("""
            SELECT e.name, r.status FROM runs r JOIN experiments e ON e.id = r.experiment_id ORDER BY r.started_at
            """).rows
        #expect(rows.map { $0[0].string! } == ["b", "b", "a", "a"] && rows.allSatisfy { $0[1].string == "finished" })
    }

    @Test func aShareOfSeveralSpecsIsRefused() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", twoTinyRuns("a"))
        let finished = try inceptionLab(["run", "a.yaml", "a.yaml", "--shard", "0/2", "--db", scratch.db],
                                        in: scratch.url)
        #expect(finished.reason == .exit && finished.status == 64, "\(finished.output)")
        #expect(finished.output.contains("--shard and --run-key select from one spec; give only one"))
        #expect(!FileManager.default.fileExists(atPath: scratch.db))
    }
}
