import Foundation
import Testing

/// `report --all`: every experiment's report and the overview in one command, stale charts removed.
@Suite("report --all")
struct ReportAllTests {
    @Test(.timeLimit(.minutes(2)))
    func writesEveryReportAndTheOverviewAndRemovesStaleCharts() throws {
        let scratch = try Scratch()
        try scratch.write("a.yaml", twoTinyRuns("a"))
        try scratch.write("b.yaml", twoTinyRuns("b", learningRate: 0.01))
        let ran = try inceptionLab(["run", "a.yaml", "b.yaml", "--db", scratch.db, "--threads", "1"], in: scratch.url)
        #expect(ran.reason == .exit && ran.status == 0, "\(ran.output)")

        // A chart an earlier report drew and this one does not, and a file of the user's.
        let out = scratch.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("a"), withIntermediateDirectories: true)
        let stale = out.appendingPathComponent("a/learned_scale_a_mean_abs-by-epoch.svg")
        let mine = out.appendingPathComponent("a/notes.csv")
        for file in [stale, mine] { try Data("old".utf8).write(to: file) }

        let all = try inceptionLab(["report", "--all", "--out", out.path, "--db", scratch.db], in: scratch.url)
        #expect(all.reason == .exit && all.status == 0, "\(all.output)")
        for name in ["a", "b"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(name)/report.md").path))
            #expect(all.output.contains(" files to \(out.path)/\(name): "), "\(all.output)")
        }
        #expect(all.output.contains("wrote \(out.path)/README.md: 2 experiments"), "\(all.output)")
        #expect(!FileManager.default.fileExists(atPath: stale.path)
                && FileManager.default.fileExists(atPath: mine.path))

        let both = try inceptionLab(["report", "--all", "--overview", "--db", scratch.db], in: scratch.url)
        #expect(both.reason == .exit && both.status == 64
                && both.output.contains("give --overview or --all: one of them"), "\(both.output)")
    }
}
