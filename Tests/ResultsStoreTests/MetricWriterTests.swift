import CSQLite
import Foundation
import Testing
@testable import ResultsStore

@Suite struct MetricWriterTests {
    @Test func buffersUntilTheThresholdAndWritesOneTransactionPerFlush() throws {
        try withStore { store in
            let id = try queueRuns(store, count: 1)[0]
            _ = try store.claimRun(id)
            let commits = CommitCounter(store.database)
            let reader = try ResultsReader(path: store.path)
            func stored() throws -> Int { try reader.query("SELECT count(*) FROM metrics").rows[0][0].int! }

            let writer = try MetricWriter(store: store, run: id,
                                          settings: .init(maxPending: 10, maxInterval: 3600))
            for step in 1...9 {
                try writer.append("train_loss", step: step, value: 1 / Double(step), wallTime: Double(step) * 0.5)
            }
            #expect(try stored() == 0 && commits.count == 0 && writer.pendingCount == 9)

            try writer.append("lr", step: 9, value: 0.045, wallTime: 4.5)
            #expect(try stored() == 10 && commits.count == 1 && writer.pendingCount == 0)

            for step in 10...14 {
                try writer.append("train_loss", step: step, value: 1 / Double(step), wallTime: Double(step) * 0.5)
            }
            #expect(try stored() == 10 && commits.count == 1)
            try writer.flush()
            try writer.flush()
            #expect(try stored() == 15 && commits.count == 2)

            let run = try store.database.fetchRun(id)
            #expect(run.step == 14 && run.heartbeatAt != nil)
            let series = try reader.metricSeries(run: id, name: "train_loss")
            #expect(series.map(\.step) == Array(1...14))
            #expect(series[3] == MetricPoint(step: 4, value: 0.25, wallTime: 2))
        }
    }

    @Test func rewritingAStepOverwritesInsteadOfDuplicating() throws {
        try withStore { store in
            let id = try queueRuns(store, count: 1)[0]
            _ = try store.claimRun(id)
            let writer = try MetricWriter(store: store, run: id)
            for step in 1...3 {
                try writer.append("val_loss", step: step, value: Double(step), wallTime: Double(step))
            }
            try writer.flush()
            // A resumed run measures step 2 again.
            try writer.append("val_loss", step: 2, value: 20, wallTime: 7)
            try writer.flush()
            let series = try ResultsReader(path: store.path).metricSeries(run: id, name: "val_loss")
            #expect(series == [MetricPoint(step: 1, value: 1, wallTime: 1),
                               MetricPoint(step: 2, value: 20, wallTime: 7),
                               MetricPoint(step: 3, value: 3, wallTime: 3)])
        }
    }

    @Test func flushesWhenTheIntervalHasPassed() throws {
        try withStore { store in
            let id = try queueRuns(store, count: 1)[0]
            _ = try store.claimRun(id)
            let writer = try MetricWriter(store: store, run: id, settings: .init(maxPending: 1000, maxInterval: 0.2))
            try writer.append("lr", step: 1, value: 0.1, wallTime: 0)
            #expect(writer.pendingCount == 1)
            Thread.sleep(forTimeInterval: 0.3)
            try writer.append("lr", step: 2, value: 0.1, wallTime: 0.3)
            #expect(writer.pendingCount == 0)
        }
    }

    @Test func releasingTheWriterFlushesAndNaNReadsBackAsNil() throws {
        try withStore { store in
            let id = try queueRuns(store, count: 1)[0]
            _ = try store.claimRun(id)
            do {
                let writer = try MetricWriter(store: store, run: id)
                try writer.append("train_loss", step: 7, value: .nan, wallTime: 1)
            }
            let series = try ResultsReader(path: store.path).metricSeries(run: id, name: "train_loss")
            #expect(series == [MetricPoint(step: 7, value: nil, wallTime: 1)])
        }
    }

    @Test func flushingForARunNoLongerRunningFailsAndKeepsTheRecords() throws {
        try withStore { store in
            let id = try queueRuns(store, count: 1)[0]
            _ = try store.claimRun(id)
            let writer = try MetricWriter(store: store, run: id)
            try writer.append("train_loss", step: 1, value: 0.5, wallTime: 1)
            try store.finish(run: id, as: .killed)
            #expect(throws: StoreError.self) { try writer.flush() }
            #expect(writer.pendingCount == 1)
            #expect(try store.database.query("SELECT count(*) FROM metrics").rows == [[.integer(0)]])
            _ = try store.claimRun(id)
            try writer.flush()
            #expect(try store.database.query("SELECT count(*) FROM metrics").rows == [[.integer(1)]])
        }
    }
}

/// Counts the transactions committed on one connection, through SQLite's commit hook.
private final class CommitCounter {
    private let database: Database
    private let counter = UnsafeMutablePointer<Int>.allocate(capacity: 1)

    init(_ database: Database) {
        self.database = database
        counter.initialize(to: 0)
        sqlite3_commit_hook(database.handle, { context in
            context!.assumingMemoryBound(to: Int.self).pointee += 1
            return 0
        }, counter)
    }

    deinit {
        sqlite3_commit_hook(database.handle, nil, nil)
        counter.deallocate()
    }

    var count: Int { counter.pointee }
}
