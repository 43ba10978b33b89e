import Foundation
import Testing
@testable import ResultsStore

@Suite struct ResultsReaderTests {
    /// Two experiments' worth of runs with metrics: run 1 (v4, lr 0.045) finished, run 2 (resnet, lr 0.1)
    /// running, run 3 queued.
    private func populate(_ store: ResultsStore) throws -> [Int] {
        let paper = try store.experiment(named: "paper")
        let ids = try [
            store.insertRun(sampleRun(1, model: "inception-v4", experimentID: paper)).id,
            store.insertRun(NewRun(name: "resnet", configJSON: #"{"lr":0.1,"model":{"model":"inception-resnet-v2"}}"#,
                                   seed: 2, experimentID: paper)).id,
            store.insertRun(sampleRun(3, model: "inception-v3")).id,
        ]
        for id in ids.prefix(2) {
            _ = try store.claimRun(id)
            let writer = try MetricWriter(store: store, run: id)
            for step in 1...3 {
                try writer.append("val_top1_error", step: step * 10, value: 0.5 / Double(step * id),
                                  wallTime: Double(step))
                try writer.append("train_loss", step: step * 10, value: 2 / Double(step), wallTime: Double(step))
            }
            try writer.flush()
        }
        try store.finish(run: ids[0], as: .finished)
        return ids
    }

    @Test func listsRunsWithFiltersOverColumnsConfigAndFinalMetrics() throws {
        try withStore { store in
            let ids = try populate(store)
            let reader = try ResultsReader(path: store.path)
            let all = try reader.runs()
            #expect(all.columns == ["id", "name", "experiment", "status", "model", "width", "seed", "step",
                                    "total_steps", "created", "finished", "val_top1_error", "val_top5_error",
                                    "val_loss", "train_loss", "test_top1_error"])
            #expect(all.rows.map { $0[0].int! } == ids)
            #expect(all.rows[0][3] == .text("finished") && all.rows[0][4] == .text("inception-v4"))
            #expect(all.rows[0][5] == .real(0.125))
            #expect(all.rows[0][11] == .real(0.5 / 3) && all.rows[0][12] == .null && all.rows[0][14] == .real(2.0 / 3))

            func matching(_ filter: RunFilter) throws -> [Int] { try reader.runs(filter).rows.map { $0[0].int! } }
            #expect(try matching(RunFilter(status: .running)) == [ids[1]])
            #expect(try matching(RunFilter(experiment: "paper")) == [ids[0], ids[1]])
            #expect(try matching(RunFilter(name: "run-%")) == [ids[0], ids[2]])
            #expect(try matching(RunFilter(expression: "config ->> 'lr' > 0.05")) == [ids[1]])
            #expect(try matching(RunFilter(expression: "model LIKE 'inception-v%' AND val_top1_error < 0.2"))
                    == [ids[0]])
            #expect(try matching(RunFilter(experiment: "paper", expression: "val_top1_error IS NULL")) == [])
            #expect(throws: StoreError.self) { try reader.runs(RunFilter(expression: "1); DELETE FROM runs; --")) }
            #expect(throws: StoreError.self) { try reader.runs(RunFilter(expression: "no_such_column = 1")) }
            #expect(try reader.runs().rows.count == 3)
        }
    }

    @Test func readingACurrentDatabaseLeavesItsBytesAsTheyAre() throws {
        try withStore { store in
            _ = try populate(store)
            // The committed results database is kept in rollback-journal mode, which a read-write open would
            // change to WAL.
            try store.database.execute("PRAGMA journal_mode = DELETE")
            let file = URL(fileURLWithPath: store.path)
            let before = try Data(contentsOf: file)
            #expect(try ResultsReader.migratingIfNeeded(path: store.path).runs().rows.count == 3)
            #expect(try Data(contentsOf: file) == before)
            #expect(!FileManager.default.fileExists(atPath: store.path + "-wal"))
        }
    }

    @Test func readingAnOlderDatabaseMigratesItFirst() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("old.sqlite").path
            _ = try Database(path: path)  // schema version 0
            #expect(throws: StoreError.self) { try ResultsReader(path: path) }
            #expect(try ResultsReader.migratingIfNeeded(path: path).runs().rows.isEmpty)
        }
    }

    @Test func showsOneRunInFull() throws {
        try withStore { store in
            let id = try populate(store)[0]
            let environment = RunEnvironment(codeRevision: "abc123", host: "box", cpuModel: "EPYC", threads: 2,
                                             blasConfig: "OpenBLAS 0.3.21 Haswell", swiftVersion: "6.3.1",
                                             datasetChecksum: "sha256:00", commandLine: "inception-lab train",
                                             extraJSON: #"{"note":1}"#)
            try store.recordEnvironment(environment, run: id)
            try store.addEvent(run: id, kind: "checkpoint", message: "saved", step: 30)
            let detail = try ResultsReader(path: store.path).run(id)
            #expect(detail.run.id == id && detail.run.status == .finished && detail.run.step == 30)
            #expect(detail.experiment == "paper")
            #expect(detail.environment == environment)
            #expect(detail.events.map(\.kind) == ["running", "finished", "checkpoint"])
            #expect(detail.events.last?.step == 30 && detail.events.last?.message == "saved")
            #expect(detail.finalMetrics == [
                "val_top1_error": MetricPoint(step: 30, value: 0.5 / 3, wallTime: 3),
                "train_loss": MetricPoint(step: 30, value: 2.0 / 3, wallTime: 3),
            ])
            #expect(throws: StoreError.self) { try ResultsReader(path: store.path).run(999) }
        }
    }

    @Test func countsRunsByStatus() throws {
        try withStore { store in
            _ = try populate(store)
            let reader = try ResultsReader(path: store.path)
            let counts = try reader.statusCounts()
            #expect(counts == [.queued: 1, .running: 1, .finished: 1, .failed: 0, .diverged: 0, .killed: 0])
            #expect(try reader.statusCounts(experiment: "paper")[.queued] == 0)
        }
    }

    @Test func rawSQLReturnsColumnsAndRowsAndRefusesWrites() throws {
        try withStore { store in
            _ = try populate(store)
            let reader = try ResultsReader(path: store.path)
            let table = try reader.query("SELECT name, count(*) AS points FROM metrics GROUP BY name ORDER BY name")
            #expect(table == ResultTable(columns: ["name", "points"],
                                         rows: [[.text("train_loss"), .integer(6)],
                                                [.text("val_top1_error"), .integer(6)]]))
            for sql in ["DELETE FROM metrics", "UPDATE runs SET status = 'queued'", "PRAGMA user_version = 7"] {
                #expect(throws: StoreError.self, "\(sql)") { try reader.query(sql) }
            }
            #expect(try reader.query("SELECT count(*) FROM metrics").rows == [[.integer(12)]])
            #expect(try store.database.userVersion() == Migrations.latestVersion)
        }
    }
}
