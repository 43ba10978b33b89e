import Foundation
import Reports
import ResultsStore
import Testing

/// The reports committed under results/ are what `inception-lab report` makes of the committed database: every
/// file of every experiment with a `results/<experiment>/report.md`, byte for byte; and results/README.md starts
/// with what `inception-lab report --overview` makes of it.
struct CommittedReportsTests {
    static let results = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("results")

    @Test func regenerateByteForByteFromTheCommittedDatabase() throws {
        let reader = try ResultsReader(path: Self.results.appendingPathComponent("lab.sqlite").path)
        let experiments = try FileManager.default.contentsOfDirectory(atPath: Self.results.path).filter {
            FileManager.default.fileExists(atPath: Self.results.appendingPathComponent("\($0)/report.md").path)
        }.sorted()
        #expect(experiments.count >= 3, "\(experiments)")
        for experiment in experiments {
            let directory = Self.results.appendingPathComponent(experiment)
            let files = try ExperimentReport(ExperimentData.load(from: reader, experiment: experiment)).files()
            #expect(Set(files.map(\.name)) == Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)),
                    "\(experiment): the files differ")
            for file in files {
                let committed = try String(contentsOf: directory.appendingPathComponent(file.name), encoding: .utf8)
                #expect(committed == file.contents, "\(experiment)/\(file.name) differs from its regeneration")
            }
        }
    }

    /// Every read-write open sets WAL mode; the committed file is switched back to a rollback journal, so that the
    /// one file is the whole database and a read-only checkout opens it (a WAL database needs its `-shm` file, or a
    /// directory to create it in). The file format's bytes 18 and 19 are 1 in rollback-journal mode, 2 in WAL.
    @Test func theCommittedDatabaseIsInRollbackJournalMode() throws {
        let header = try FileHandle(forReadingFrom: Self.results.appendingPathComponent("lab.sqlite"))
            .read(upToCount: 20) ?? Data()
        #expect(header.count == 20 && header[18] == 1 && header[19] == 1,
                "results/lab.sqlite is in WAL mode: `sqlite3 results/lab.sqlite 'PRAGMA journal_mode=DELETE'`")
    }

    @Test func readmeStartsWithTheOverviewOfTheCommittedDatabase() throws {
        let reader = try ResultsReader(path: Self.results.appendingPathComponent("lab.sqlite").path)
        let overview = try ResultsOverview(reader: reader)
        let readme = try String(contentsOf: Self.results.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.hasPrefix(overview.markdown()),
                "results/README.md: regenerate with `inception-lab report --overview`")
        for report in overview.reports {
            #expect(FileManager.default.fileExists(
                        atPath: Self.results.appendingPathComponent("\(report.experiment)/report.md").path),
                    "\(report.experiment) has no committed report")
        }
    }
}
