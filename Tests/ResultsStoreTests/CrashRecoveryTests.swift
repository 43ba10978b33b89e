import Foundation
import Testing
@testable import ResultsStore

@Suite struct CrashRecoveryTests {
    /// A process killed with SIGKILL in the middle of a large write transaction — its uncommitted pages already
    /// spilled into the WAL — leaves a database that opens, passes an integrity check, holds every committed
    /// metric unchanged and none of the uncommitted ones, and shows the writer's run as dead.
    @Test func aWriterKilledMidTransactionLosesNothingCommitted() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lab.sqlite").path
            let store = try ResultsStore(path: path, owner: "trainer@test")
            let id = try queueRuns(store, count: 1)[0]
            _ = try store.claimRun(id)
            let writer = try MetricWriter(store: store, run: id)
            for step in 1...200 {
                try writer.append("train_loss", step: step, value: Double(step), wallTime: Double(step) / 10)
            }
            try writer.flush()

            let walPath = path + "-wal"
            let walSizeBefore = try fileSize(walPath)
            let sqlite = Process()
            sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            sqlite.arguments = ["sqlite3", path]
            let input = Pipe()
            sqlite.standardInput = input
            sqlite.standardOutput = FileHandle.nullDevice
            try sqlite.run()
            // A one-page cache forces the transaction's pages into the WAL before it commits; the last query
            // never ends, so the transaction is still open when the process is killed.
            input.fileHandleForWriting.write(Data("""
                PRAGMA cache_size = 1;
                BEGIN IMMEDIATE;
                UPDATE metrics SET value = -1;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                INSERT INTO metrics (run_id, name, step, value, wall_time) SELECT \(id), 'uncommitted', i, i, i FROM n;
                WITH RECURSIVE forever(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM forever) SELECT count(*) FROM forever;

                """.utf8))
            let deadline = Date().addingTimeInterval(30)
            while sqlite.isRunning, try fileSize(walPath) < walSizeBefore + 256 * 1024, Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            #expect(sqlite.isRunning, "sqlite3 ended before it could be killed")
            #expect(try fileSize(walPath) >= walSizeBefore + 256 * 1024, "no uncommitted pages reached the WAL")
            kill(sqlite.processIdentifier, SIGKILL)
            sqlite.waitUntilExit()
            #expect(sqlite.terminationReason == .uncaughtSignal)

            let reopened = try ResultsStore(path: path, owner: "next@test")
            #expect(try reopened.database.query("PRAGMA integrity_check").rows == [[.text("ok")]])
            let reader = try ResultsReader(path: path)
            let series = try reader.metricSeries(run: id, name: "train_loss")
            #expect(series == (1...200).map { MetricPoint(step: $0, value: Double($0), wallTime: Double($0) / 10) })
            #expect(try reader.query("SELECT count(*) FROM metrics").rows == [[.integer(200)]])
            #expect(try reopened.markStaleRuns(olderThan: 0).map(\.id) == [id])
        }
    }

    private func fileSize(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    }
}
