import Foundation
import ResultsStore
import Testing

/// Seeds added to an experiment after some of its runs ended are not part of its design (docs/reports.md,
/// "Looks"): `plan` and `run` say so, and the report counts them.
@Suite("seeds added after a result")
struct AddedSeedsTests {
    @Test(.timeLimit(.minutes(2)))
    func planAndRunSaySoAndTheReportCountsThem() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", twoTinyRuns("a"))
        let first = try inceptionLab(["run", "a.yaml", "--db", scratch.db, "--threads", "1"], in: scratch.url)
        #expect(first.reason == .exit && first.status == 0 && !first.output.contains("not part of its design"),
                "\(first.output)")

        try scratch.write("a.yaml", twoTinyRuns("a").replacingOccurrences(of: "seed: [1, 2]", with: "seed: [1, 2, 3]"))
        let plan = try inceptionLab(["plan", "a.yaml", "--db", scratch.db], in: scratch.url)
        let note = "1 run new to the experiment after 2 of its runs ended: not part of its design"
        #expect(plan.output.contains("new, after results") && plan.output.contains(note), "\(plan.output)")
        let second = try inceptionLab(["run", "a.yaml", "--db", scratch.db, "--threads", "1"], in: scratch.url)
        #expect(second.reason == .exit && second.status == 0, "\(second.output)")
        #expect(second.output.contains("1 newly queued") && second.output.contains(note), "\(second.output)")

        let report = try inceptionLab(["report", "a", "--format", "json", "--db", scratch.db], in: scratch.url)
        let json = try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [String: Any]
        let look = (json?["overview"] as? [String: Any])?["look"] as? [String: Int]
        #expect(look == ["runs": 3, "ended": 3, "added": 1, "addedEnded": 1], "\(report.output.prefix(2000))")
    }
}
