import Foundation
import ResultsStore
import Testing

/// `run --merge-into PATH`: a sweep recorded in a database of its own feeds the main one as each run ends.
@Suite("run --merge-into", .serialized)
struct MergeIntoTests {
    /// Each run is merged as it ends, by the worker that ran it (or by the other one, when both end together and
    /// its merge comes second: each merge takes every run ended by then); the main database records both runs as
    /// queued before they start (its reports then know the design) and ends with both and every metric the sweep's
    /// database recorded.
    @Test(.timeLimit(.minutes(2)))
    func eachEndedRunIsMergedAsItEnds() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", twoTinyRuns("a"))
        let sweep = scratch.url.appendingPathComponent("sweep.sqlite").path
        let finished = try inceptionLab(["run", "a.yaml", "--db", sweep, "--merge-into", scratch.db, "--workers", "2",
                                         "--threads", "2"], in: scratch.url)
        #expect(finished.reason == .exit && finished.status == 0, "\(finished.output)")
        let merges = finished.output.split(separator: "\n").filter { $0.contains("merged into \(scratch.db): ") }
        // Once before any run starts (nothing ended yet), then once by the worker of each run as it ends.
        #expect(merges.count == 3, "\(finished.output)")
        let none = "0 runs added, 0 runs updated, 0 runs unchanged"
        #expect(merges.first?.hasSuffix("\(none), 2 runs recorded as queued, 0 runs left in the shard") == true,
                "\(finished.output)")
        // One merge by each worker, which between them update each run once: 1 and 1, or 2 and 0 when both runs
        // had ended by the first of them.
        let byWorkers = merges.filter { $0.hasPrefix("[worker ") }
        let updated = byWorkers.compactMap { line in
            line.firstMatch(of: /: 0 runs added, (\d+) runs updated/).map { Int($0.1)! }
        }
        #expect(byWorkers.count == 2 && updated.count == 2 && updated.reduce(0, +) == 2, "\(finished.output)")
        func contents(_ path: String) throws -> [[SQLValue]] {
            try ResultsReader(path: path).query("""
                SELECT r.run_key, r.status, r.step, COUNT(m.name) FROM runs r JOIN metrics m ON m.run_id = r.id
                GROUP BY r.id ORDER BY r.run_key
                """).rows
        }
        let merged = try contents(scratch.db)
        #expect(merged.count == 2 && merged.allSatisfy { $0[1].string == "finished" })
        #expect(merged == (try contents(sweep)))
    }

    @Test func theSweepsOwnDatabaseIsRefused() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", twoTinyRuns("a"))
        let finished = try inceptionLab(["run", "a.yaml", "--db", scratch.db, "--merge-into", "./lab.sqlite"],
                                        in: scratch.url)
        #expect(finished.reason == .exit && finished.status == 64, "\(finished.output)")
        #expect(finished.output.contains("--merge-into names the database the runs are recorded in (--db)"),
                "\(finished.output)")
        #expect(!FileManager.default.fileExists(atPath: scratch.db))
    }
}
