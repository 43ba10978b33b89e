import Foundation
import ResultsStore
import Testing

/// `status` times the unfinished runs as `plan` does, from the throughput the finished runs logged.
@Suite("status")
struct StatusTests {
    @Test(.timeLimit(.minutes(2)))
    func timesQueuedRunsByTheFinishedOnesAndNamesThoseItCannot() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", SeveralSpecsTests().spec("a"))
        let finished = try inceptionLab(["run", "a.yaml", "--db", scratch.db, "--threads", "1"], in: scratch.url)
        #expect(finished.reason == .exit && finished.status == 0, "\(finished.output)")

        // Seed 3 of the same network, queued; and one whose dataset is not on this machine.
        let store = try ResultsStore(path: scratch.db)
        let config = try ResultsReader(path: scratch.db).query("SELECT config_json FROM runs WHERE id = 1").rows[0][0]
            .string!
        for (seed, json) in [(3, config.replacingOccurrences(of: "\"seed\":1", with: "\"seed\":3")),
                             (4, config.replacingOccurrences(of: "\"seed\":1", with: "\"seed\":4")
                                .replacingOccurrences(of: "\"name\":\"synthetic\"",
                                                      with: "\"name\":\"mnist\",\"directory\":\"/nonexistent\""))] {
            #expect(json != config)
            _ = try store.insertRun(NewRun(name: "queued-\(seed)", configJSON: json, seed: seed, totalSteps: 2))
        }
        let status = try inceptionLab(["status", "--db", scratch.db], in: scratch.url)
        #expect(status.reason == .exit && status.status == 0, "\(status.output)")
        #expect(status.output.contains("all runs: 2 queued, 0 running, 2 finished"), "\(status.output)")
        #expect(status.output.contains("\n  a: 2 finished\n"), "\(status.output)")   // the queued ones are in none
        #expect(status.output.contains("time left for 1 unfinished run: about "), "\(status.output)")
        #expect(status.output.contains("no estimate for 1 more: ") && status.output.contains("/nonexistent"),
                "\(status.output)")
    }
}
