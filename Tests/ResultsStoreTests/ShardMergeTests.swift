import Foundation
import Testing
@testable import ResultsStore

/// Shards crafted through the store's own API, as a task of a cluster sweep writes them, merged into a main
/// database.
@Suite struct ShardMergeTests {
    static let timing: Set<String> = ["step_time"]

    /// Writes a shard at `path` holding run `sampleRun(index)` of experiment `sweep`, trained to `steps` with
    /// `loss(step)` as its train_loss and `stepTime` as its step_time, and ended as `status`.
    @discardableResult
    func shard(_ path: String, index: Int = 1, steps: Int, status: RunStatus, owner: String = "task@node",
               loss: (Int) -> Double = { 1 / Double($0) }, stepTime: Double = 0.5) throws -> ResultsStore {
        let store = try ResultsStore(path: path, owner: owner)
        let experiment = try store.experiment(named: "sweep", spec: "name: sweep", description: "a sweep")
        let id = try store.insertRun(sampleRun(index, experimentID: experiment)).id
        _ = try store.claimRun(id)
        try store.recordEnvironment(RunEnvironment(
            codeRevision: "abc", host: owner, cpuModel: "cpu", threads: 1, blasConfig: "OpenBLAS", swiftVersion: "6.3",
            datasetChecksum: "d", commandLine: "inception-lab run"), run: id)
        let writer = try MetricWriter(store: store, run: id)
        for step in 1...steps {
            try writer.append("train_loss", step: step, value: loss(step), wallTime: Double(step))
            try writer.append("step_time", step: step, value: stepTime, wallTime: Double(step))
        }
        try writer.flush()
        try store.addEvent(run: id, kind: "checkpoint", message: "checkpoint at step \(steps)", step: steps)
        if status != .running { try store.finish(run: id, as: status) }
        return store
    }

    /// Every row of every table, for comparing a database before and after.
    func dump(_ path: String) throws -> [String] {
        let reader = try ResultsReader(path: path)
        return try ["experiments", "runs", "metrics", "events", "environments"].flatMap { table in
            try reader.query("SELECT * FROM \(table) ORDER BY 1, 2, 3").rows.map { "\(table): \($0)" }
        }
    }

    @Test func mergingTwiceChangesNothing() throws {
        try withTemporaryDirectory { directory in
            let main = try ResultsStore(path: directory.appendingPathComponent("lab.sqlite").path)
            let a = directory.appendingPathComponent("a.sqlite").path,
                b = directory.appendingPathComponent("b.sqlite").path
            try shard(a, index: 1, steps: 10, status: .finished)
            try shard(b, index: 2, steps: 6, status: .killed)
            #expect(try main.merge(shard: a, timing: Self.timing).map(\.action) == [.added])
            #expect(try main.merge(shard: b, timing: Self.timing).map(\.action) == [.added])
            let merged = try dump(main.path)
            #expect(try main.merge(shard: a, timing: Self.timing).map(\.action) == [.unchanged])
            #expect(try main.merge(shard: b, timing: Self.timing).map(\.action) == [.unchanged])
            #expect(try dump(main.path) == merged)

            // Both runs arrived whole, under one experiment, with ids of the main database.
            let reader = try ResultsReader(path: main.path)
            #expect(try reader.query("SELECT name, status, step FROM runs ORDER BY id").rows
                    == [[.text("run-1"), .text("finished"), .integer(10)],
                        [.text("run-2"), .text("killed"), .integer(6)]])
            #expect(try reader.query("SELECT count(*) FROM experiments").rows == [[.integer(1)]])
            #expect(try reader.metricSeries(run: 1, name: "train_loss").map(\.step) == Array(1...10))
            #expect(try reader.run(2).environment?.host == "task@node")
            #expect(try reader.run(2).events.map(\.kind) == ["running", "checkpoint", "killed"])
        }
    }

    /// A background sweep still under way: only its results enter the main database; the runs it has not ended
    /// are recorded there as queued when they are new to it (so that its reports know the design is not complete),
    /// their progress left in the shard, and come over once they end.
    @Test func resultsOnlyLeavesTheProgressOfRunsNotEndedInTheShard() throws {
        try withTemporaryDirectory { directory in
            let main = try ResultsStore(path: directory.appendingPathComponent("lab.sqlite").path)
            let path = directory.appendingPathComponent("sweep.sqlite").path
            let sweep = try shard(path, index: 1, steps: 10, status: .finished)
            let experiment = try sweep.experiment(named: "sweep")
            let killed = try sweep.insertRun(sampleRun(2, experimentID: experiment)).id
            _ = try sweep.claimRun(killed)
            let writer = try MetricWriter(store: sweep, run: killed)
            try writer.append("train_loss", step: 1, value: 1, wallTime: 1)
            try writer.flush()
            try sweep.finish(run: killed, as: .killed)
            let running = try sweep.insertRun(sampleRun(3, experimentID: experiment)).id
            _ = try sweep.claimRun(running)
            _ = try sweep.insertRun(sampleRun(4, experimentID: experiment))

            let merged = try main.merge(shard: path, timing: Self.timing, resultsOnly: true)
            #expect(merged.map(\.action) == [.added, .recordedQueued, .recordedQueued, .recordedQueued])
            let reader = try ResultsReader(path: main.path)
            let state = "SELECT name, status, step, started_at IS NULL, created_at FROM runs ORDER BY id"
            let queuedAt = try ResultsReader(path: path).query("SELECT created_at FROM runs ORDER BY id").rows
            #expect(try reader.query(state).rows == [
                [.text("run-1"), .text("finished"), .integer(10), .integer(0), queuedAt[0][0]],
                [.text("run-2"), .text("queued"), .integer(0), .integer(1), queuedAt[1][0]],
                [.text("run-3"), .text("queued"), .integer(0), .integer(1), queuedAt[2][0]],
                [.text("run-4"), .text("queued"), .integer(0), .integer(1), queuedAt[3][0]],
            ])
            #expect(try reader.query("SELECT count(*) FROM metrics WHERE run_id > 1").rows == [[.integer(0)]])
            #expect(try reader.query("SELECT count(*) FROM events WHERE run_id > 1").rows == [[.integer(0)]])
            #expect(try main.merge(shard: path, timing: Self.timing, resultsOnly: true).map(\.action)
                    == [.unchanged, .leftInShard, .leftInShard, .leftInShard])

            try sweep.finish(run: running, as: .finished)
            #expect(try main.merge(shard: path, timing: Self.timing, resultsOnly: true).map(\.action)
                    == [.unchanged, .leftInShard, .updated, .leftInShard])
            #expect(try reader.query("SELECT name, status FROM runs ORDER BY id").rows == [
                [.text("run-1"), .text("finished")], [.text("run-2"), .text("queued")],
                [.text("run-3"), .text("finished")], [.text("run-4"), .text("queued")],
            ])
        }
    }

    @Test func aFinishedRunWithOtherMetricsIsRefusedAndChangesNothing() throws {
        try withTemporaryDirectory { directory in
            let main = try ResultsStore(path: directory.appendingPathComponent("lab.sqlite").path)
            let here = directory.appendingPathComponent("here.sqlite").path
            let there = directory.appendingPathComponent("there.sqlite").path
            let other = directory.appendingPathComponent("other.sqlite").path
            // The conflicting shard holds another run before the conflicting one: it is refused whole (one
            // transaction), so that run is not merged either.
            let both = try ResultsStore(path: there)
            _ = try both.insertRun(sampleRun(3, experimentID: try both.experiment(named: "sweep")))
            try shard(there, steps: 10, status: .finished, loss: { $0 == 7 ? 0.25 : 1 / Double($0) })
            try shard(here, steps: 10, status: .finished)
            try shard(other, index: 2, steps: 3, status: .killed)
            try main.merge(shard: here, timing: Self.timing)
            let before = try dump(main.path)
            #expect(throws: MergeConflict.self) { try main.merge(shard: there, timing: Self.timing, dryRun: true) }
            #expect(throws: MergeConflict.self) { try main.merge(shard: there, timing: Self.timing) }
            do {
                try main.merge(shard: there, timing: Self.timing)
            } catch let conflict as MergeConflict {
                #expect(conflict.description.contains(there) && conflict.description.contains(main.path))
                #expect(conflict.description.contains(sampleRun(1).runKey) && conflict.databaseRunID == 1)
                #expect(conflict.difference
                        == "train_loss at step 7: 0.25 in the shard, 0.14285714285714285 in the database")
            }
            #expect(try dump(main.path) == before)
            // Another shard still merges.
            #expect(try main.merge(shard: other, timing: Self.timing).map(\.action) == [.added])
        }
    }

    @Test func timingsMayDifferBetweenTwoExecutionsOfOneRun() throws {
        try withTemporaryDirectory { directory in
            let main = try ResultsStore(path: directory.appendingPathComponent("lab.sqlite").path)
            let fast = directory.appendingPathComponent("fast.sqlite").path
            let slow = directory.appendingPathComponent("slow.sqlite").path
            try shard(fast, steps: 10, status: .finished, stepTime: 0.1)
            try shard(slow, steps: 10, status: .finished, stepTime: 0.9)
            try main.merge(shard: fast, timing: Self.timing)
            let before = try dump(main.path)
            #expect(try main.merge(shard: slow, timing: Self.timing).map(\.action) == [.unchanged])
            #expect(try dump(main.path) == before)
            // Without the exemption the same shard is a conflict.
            #expect(throws: MergeConflict.self) { try main.merge(shard: slow, timing: []) }
        }
    }

    /// A task killed part-way (preempted, its requeue never ran) and the same run finished by another task
    /// elsewhere: the finished record wins in either order, and the killed attempt's events stay.
    @Test func aKilledPartialShardThenTheSameRunFinishedElsewhere() throws {
        try withTemporaryDirectory { directory in
            let killed = directory.appendingPathComponent("killed.sqlite").path
            let finished = directory.appendingPathComponent("finished.sqlite").path
            try shard(killed, steps: 4, status: .killed, owner: "1@node-a", stepTime: 0.2)
            try shard(finished, steps: 10, status: .finished, owner: "2@node-b", stepTime: 0.3)

            let main = try ResultsStore(path: directory.appendingPathComponent("lab.sqlite").path)
            let first = try main.merge(shard: killed, timing: Self.timing)
            #expect(first.map(\.action) == [.added] && first[0].shardStatus == .killed)
            let second = try main.merge(shard: finished, timing: Self.timing)
            #expect(second.map(\.action) == [.updated] && second[0].databaseStatus == .killed)
            let afterFinished = try dump(main.path)
            #expect(try main.merge(shard: killed, timing: Self.timing).map(\.action) == [.unchanged])
            #expect(try dump(main.path) == afterFinished)

            let reader = try ResultsReader(path: main.path)
            let run = try reader.run(1)
            #expect(run.run.status == .finished && run.run.step == 10 && run.run.owner == "2@node-b")
            #expect(try reader.metricSeries(run: 1, name: "train_loss").map(\.value) == (1...10).map { 1 / Double($0) })
            // The finished execution's timings replace the killed one's at every step they share.
            #expect(try reader.metricSeries(run: 1, name: "step_time").map(\.value) == Array(repeating: 0.3, count: 10))
            #expect(run.environment?.host == "2@node-b")
            #expect(run.events.map(\.kind) == ["running", "checkpoint", "killed", "running", "checkpoint", "finished"])
            #expect(try reader.query("SELECT count(*) FROM runs").rows == [[.integer(1)]])

            // The other order ends in the same finished run.
            let other = try ResultsStore(path: directory.appendingPathComponent("other.sqlite").path)
            #expect(try other.merge(shard: finished, timing: Self.timing).map(\.action) == [.added])
            #expect(try other.merge(shard: killed, timing: Self.timing).map(\.action) == [.unchanged])
            let otherReader = try ResultsReader(path: other.path)
            #expect(try otherReader.run(1).run.status == .finished)
            #expect(try otherReader.metricSeries(run: 1, name: "train_loss")
                    == reader.metricSeries(run: 1, name: "train_loss"))
        }
    }

    @Test func stateRanksFinishedOverKilledOverRunning() {
        let ranked: [RunStatus] = [.queued, .failed, .running, .killed, .finished]
        #expect(ranked.map(\.mergeRank) == ranked.map(\.mergeRank).sorted() && Set(ranked.map(\.mergeRank)).count == 5)
        #expect(RunStatus.diverged.mergeRank == RunStatus.finished.mergeRank)
    }

    @Test func theShardsSpecReplacesTheDatabasesWhenItPlansEveryRunOfItAndMore() throws {
        try withTemporaryDirectory { directory in
            let main = try ResultsStore(path: directory.appendingPathComponent("lab.sqlite").path)
            let path = directory.appendingPathComponent("shard.sqlite").path
            try shard(path, index: 1, steps: 4, status: .finished)
            try main.merge(shard: path, timing: Self.timing)
            // The shard's spec gains a seed (run 2) after the first merge.
            let grown = try ResultsStore(path: path)
            let id = try grown.experiment(named: "sweep", spec: "name: sweep # seeds 1, 2", description: "2 seeds")
            _ = try grown.insertRun(sampleRun(2, experimentID: id))
            func stored() throws -> [[SQLValue]] {
                try ResultsReader(path: main.path).query("SELECT spec, description FROM experiments").rows
            }

            var reviewed: [[String]] = []
            let refuse = { (name: String, old: String, new: String) throws in
                reviewed.append([name, old, new])
                throw StoreError("refused", path: path)
            }
            #expect(throws: StoreError.self) { try main.merge(shard: path, timing: Self.timing, reviewSpec: refuse) }
            #expect(reviewed == [["sweep", "name: sweep", "name: sweep # seeds 1, 2"]])
            #expect(try stored() == [[.text("name: sweep"), .text("a sweep")]])   // rolled back, run 2 too
            #expect(try main.merge(shard: path, timing: Self.timing, dryRun: true).map(\.action)
                    == [.unchanged, .added])
            #expect(try stored() == [[.text("name: sweep"), .text("a sweep")]])

            try main.merge(shard: path, timing: Self.timing)
            #expect(try stored() == [[.text("name: sweep # seeds 1, 2"), .text("2 seeds")]])

            // A shard holding only some of the database's runs of the experiment keeps the database's spec; so does
            // one holding the same runs (the first shard again, its spec edited in place: neither is the later).
            let partial = directory.appendingPathComponent("partial.sqlite").path
            try shard(partial, index: 1, steps: 4, status: .finished)
            try main.merge(shard: partial, timing: Self.timing, reviewSpec: refuse)
            _ = try grown.experiment(named: "sweep", spec: "name: sweep # edited", description: "edited")
            try main.merge(shard: path, timing: Self.timing, reviewSpec: refuse)
            #expect(try stored() == [[.text("name: sweep # seeds 1, 2"), .text("2 seeds")]])
        }
    }

    @Test func aMissingShardOrTheDatabaseItselfIsRefused() throws {
        try withStore { main in
            #expect(throws: StoreError.self) { try main.merge(shard: main.path + ".missing", timing: []) }
            #expect(throws: StoreError.self) { try main.merge(shard: main.path, timing: []) }
        }
    }
}

extension ResultsStore {
    /// `merge(shard:timing:dryRun:resultsOnly:reviewSpec:)` accepting any change of an experiment's spec text.
    @discardableResult
    func merge(shard path: String, timing: Set<String>, dryRun: Bool = false, resultsOnly: Bool = false) throws
        -> [ShardRunMerge] {
        try merge(shard: path, timing: timing, dryRun: dryRun, resultsOnly: resultsOnly, reviewSpec: { _, _, _ in })
    }
}
