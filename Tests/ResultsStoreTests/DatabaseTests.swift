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
            let refusals = [
                "INSERT INTO t VALUES (2)": "writing to table t", "DELETE FROM t": "writing to table t",
                "DROP TABLE t": "changing the schema", "CREATE TABLE u (y)": "changing the schema",
                "PRAGMA journal_mode = DELETE": "PRAGMA journal_mode = DELETE",
                "PRAGMA writable_schema = ON": "PRAGMA writable_schema = ON",
                "VACUUM": "a statement that may write to the database (VACUUM, some pragmas)",
                "VACUUM INTO '\(path)-copy'": "a statement that may write to the database (VACUUM, some pragmas)",
                "ATTACH '\(path)-other' AS other": "ATTACH or DETACH of another database",
                "BEGIN": "transaction control",
            ]
            for (sql, what) in refusals {
                let error = try #require(throws: StoreError.self) { try reader.run(sql) }
                #expect(error.message == "read-only: \(what) is not allowed; only SELECT statements and PRAGMA "
                        + "queries such as PRAGMA table_info(runs) may be run", "\(sql)")
            }
            #expect(throws: StoreError.self) { try reader.write { try reader.run("INSERT INTO t VALUES (3)") } }
            #expect(!FileManager.default.fileExists(atPath: "\(path)-copy"))
            #expect(try reader.query("PRAGMA writable_schema").rows == [[.integer(0)]])
            #expect(try reader.query("PRAGMA table_info(t)").rows.map { $0[1] } == [.text("x")])
            #expect(try reader.query("SELECT name FROM pragma_table_info('t')").rows == [[.text("x")]])
            #expect(try reader.query("WITH a AS (SELECT x FROM t) SELECT x FROM a").rows == [[.integer(1)]])
            let twoStatements = try #require(throws: StoreError.self) { try reader.query("SELECT 1; DELETE FROM t") }
            #expect(twoStatements.message == "only one SQL statement may be given at a time")
            #expect(try reader.query("SELECT x FROM t").rows == [[.integer(1)]])
        }
    }

    /// The tail SQLite reports after the first statement points into the C string of the SQL text, which must
    /// still be alive when it is read: statements of every length compile, whatever the string's storage.
    @Test func preparesStatementsOfEveryLengthAndRefusesASecondStatement() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("t.sqlite").path
            try Database(path: path).execute("CREATE TABLE runs (x); INSERT INTO runs VALUES (1)")
            for database in [try Database(path: path), try Database(path: path, mode: .readOnly)] {
                for length in 1...300 {
                    guard length >= 9 else {   // too short for a query: semicolons alone are no statement
                        let error = try #require(throws: StoreError.self) {
                            try database.query(String(repeating: ";", count: length))
                        }
                        #expect(error.message == "no SQL statement to run")
                        continue
                    }
                    let text = String(repeating: "a", count: length - 9)
                    let sql = "SELECT '\(text)'"
                    #expect(sql.utf8.count == length)
                    #expect(try database.query(sql).rows == [[.text(text)]], "length \(length)")
                    #expect(try database.query(sql + " -- a comment\n ").rows == [[.text(text)]])
                }
                for sql in ["SELECT 1; DROP TABLE runs", "SELECT 1;SELECT 2", "SELECT 1; -- c\n SELECT 2"] {
                    let error = try #require(throws: StoreError.self) { try database.query(sql) }
                    #expect(error.message == "only one SQL statement may be given at a time")
                }
                #expect(try database.query("SELECT x FROM runs").rows == [[.integer(1)]])
            }
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
