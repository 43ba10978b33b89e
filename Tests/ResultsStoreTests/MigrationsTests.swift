import Testing
@testable import ResultsStore

@Suite struct MigrationsTests {
    @Test func migratesAnEmptyFileToTheLatestSchema() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lab.sqlite").path
            let store = try ResultsStore(path: path)
            #expect(try store.database.userVersion() == Migrations.latestVersion)
            let names = try store.database.query("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
                .rows.compactMap { $0[0].string }
            for name in ["experiments", "runs", "metrics", "events", "environments", "run_summary"] {
                #expect(names.contains(name))
            }
            // Opening again applies nothing and keeps the data.
            let id = try store.insertRun(sampleRun(1)).id
            let reopened = try ResultsStore(path: path)
            #expect(try reopened.database.userVersion() == Migrations.latestVersion)
            #expect(try reopened.database.fetchRun(id).name == "run-1")
            #expect(try ResultsReader(path: path).runs().rows.count == 1)
        }
    }

    @Test func refusesADatabaseNewerThanTheCode() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lab.sqlite").path
            try ResultsStore(path: path).database.execute("PRAGMA user_version = \(Migrations.latestVersion + 1)")
            let error = try #require(throws: StoreError.self) { try ResultsStore(path: path) }
            #expect(error.message.contains("newer than this code supports"))
            #expect(throws: StoreError.self) { try ResultsReader(path: path) }
        }
    }

    @Test func readerRefusesAnUnmigratedFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("empty.sqlite").path
            _ = try Database(path: path)
            let error = try #require(throws: StoreError.self) { try ResultsReader(path: path) }
            #expect(error.message.contains("older than this code"))
        }
    }
}
