import Foundation
import Testing
@testable import ResultsStore

@Suite struct DatabaseTests {
    @Test func opensInWALModeWithABusyTimeoutCreatingParentDirectories() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("a/b/lab.sqlite").path
            let database = try Database(path: path, busyTimeout: 10)
            #expect(try database.query("PRAGMA journal_mode").rows == [[.text("wal")]])
            #expect(try database.query("PRAGMA busy_timeout").rows == [[.integer(10_000)]])
            #expect(try database.query("PRAGMA foreign_keys").rows == [[.integer(1)]])
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func bindsAndReadsEveryType() throws {
        try withTemporaryDirectory { directory in
            let database = try Database(path: directory.appendingPathComponent("t.sqlite").path)
            try database.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
            let insert = try database.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)")
            let rows: [[any SQLBindable]] = [
                [Int64.max, 0.1, "héllo, \"wörld\"", [UInt8]([0, 1, 255]), String?.none],
                [-1, -2.5e-300, "", [UInt8](), 7],
            ]
            for row in rows {
                try insert.bind(row)
                try insert.run()
            }
            let table = try database.query("SELECT i, r, s, b, n FROM t ORDER BY rowid")
            #expect(table.columns == ["i", "r", "s", "b", "n"])
            #expect(table.rows == [
                [.integer(.max), .real(0.1), .text("héllo, \"wörld\""), .blob([0, 1, 255]), .null],
                [.integer(-1), .real(-2.5e-300), .text(""), .blob([]), .integer(7)],
            ])
            #expect(table.rows[0][0].int == Int.max && table.rows[1][1].double == -2.5e-300)
            #expect(table.rows[0][2].string == "héllo, \"wörld\"" && table.rows[0][3].blob == [0, 1, 255])
            #expect(table.rows[0][4].isNull && table.rows[0][2].int == nil)
        }
    }

    @Test func writeCommitsOrRollsBack() throws {
        try withTemporaryDirectory { directory in
            let database = try Database(path: directory.appendingPathComponent("t.sqlite").path)
            try database.execute("CREATE TABLE t (x)")
            struct Abort: Error {}
            #expect(throws: Abort.self) {
                try database.write {
                    try database.run("INSERT INTO t VALUES (1)")
                    throw Abort()
                }
            }
            try database.write { try database.run("INSERT INTO t VALUES (2)") }
            #expect(try database.query("SELECT x FROM t").rows == [[.integer(2)]])
        }
    }

    @Test func errorsCarrySQLitesMessageTheSQLAndThePath() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("t.sqlite").path
            let database = try Database(path: path)
            let error = try #require(throws: StoreError.self) { try database.query("SELECT * FROM nowhere") }
            #expect(error.message == "no such table: nowhere")
            #expect(error.sql == "SELECT * FROM nowhere" && error.path == path && error.code == 1)
            #expect(error.description.contains(path) && error.description.contains("SELECT * FROM nowhere"))
            let mismatch = try #require(throws: StoreError.self) { try database.query("SELECT ?", [1, 2]) }
            #expect(mismatch.message == "2 values bound to a statement with 1 parameters")
        }
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("t.sqlite").path
            try Database(path: path).execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
            let reader = try Database(path: path, mode: .readOnly)
            #expect(try reader.query("PRAGMA query_only").rows == [[.integer(1)]])
            for sql in ["INSERT INTO t VALUES (2)", "DELETE FROM t", "DROP TABLE t", "CREATE TABLE u (y)"] {
                let error = try #require(throws: StoreError.self) { try reader.run(sql) }
                #expect(error.message.contains("readonly"), "\(error)")
            }
            #expect(throws: StoreError.self) { try reader.write { try reader.run("INSERT INTO t VALUES (3)") } }
            #expect(throws: StoreError.self) { try reader.execute("ATTACH '\(path)-other' AS other") }
            let twoStatements = try #require(throws: StoreError.self) { try reader.query("SELECT 1; DELETE FROM t") }
            #expect(twoStatements.message == "only one SQL statement may be given at a time")
            #expect(try reader.query("SELECT x FROM t").rows == [[.integer(1)]])
        }
    }

    @Test func readOnlyOpenOfAMissingFileFails() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("missing.sqlite").path
            let error = try #require(throws: StoreError.self) { try Database(path: path, mode: .readOnly) }
            #expect(error.message.hasPrefix("cannot open database"))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
