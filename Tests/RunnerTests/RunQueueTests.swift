import Engine
import Foundation
import ResultsStore
import Runner
import Synchronization
import Testing
import Training

@Suite("Run queue")
struct RunQueueTests {
    @Test func insertionIsIdempotentAndAChangedSpecAddsOnlyItsNewRuns() throws {
        let path = Fixture.databasePath()
        let store = try ResultsStore(path: path)
        let first = try Fixture.plan(Fixture.spec()).insert(into: store)
        #expect(first.runs.map(\.inserted) == [true, true])
        let again = try Fixture.plan(Fixture.spec()).insert(into: store)
        #expect(again.experimentID == first.experimentID)
        #expect(again.runs.map(\.inserted) == [false, false] && again.runs.map(\.id) == first.runs.map(\.id))
        let grown = try Fixture.plan(Fixture.spec(grid: "  seed: [1, 2, 3]")).insert(into: store)
        #expect(grown.runs.map(\.inserted) == [false, false, true])
    }

    @Test func runsEveryRunAndRecordsTotalSteps() throws {
        let path = Fixture.databasePath()
        let reports = try Fixture.queue(try Fixture.plan(Fixture.spec()), path: path).run(stop: StopFlag())
        #expect(reports.map(\.status) == ["finished", "finished"])
        #expect(reports.allSatisfy { $0.run.totalSteps == 8 })
        #expect(try Fixture.statuses(path: path).values.allSatisfy { $0 == "finished" })
        // Running again finds nothing to do: finished runs are never re-run.
        #expect(try Fixture.queue(try Fixture.plan(Fixture.spec()), path: path).run(stop: StopFlag()).isEmpty)
    }

    /// A second database in the same directory runs the same configurations from the start, although their
    /// finished checkpoints (same run keys) lie in the shared checkpoint directory.
    @Test func aFreshRunIgnoresACheckpointLeftByAnotherDatabase() throws {
        let first = Fixture.databasePath()
        _ = try Fixture.queue(try Fixture.plan(Fixture.spec()), path: first).run(stop: StopFlag())
        let second = URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("other.sqlite").path
        let reports = try Fixture.queue(try Fixture.plan(Fixture.spec()), path: second).run(stop: StopFlag())
        #expect(reports.map(\.status) == ["finished", "finished"])
        #expect(try Fixture.deterministicMetrics(path: second) == Fixture.deterministicMetrics(path: first))
    }

    /// With a time limit the queue starts only runs expected to end in time: the long run first in the queue is
    /// passed over for the short one behind it and left queued; nothing fits a limit already reached; everything
    /// fits a distant one.
    @Test func aTimeLimitStartsOnlyTheRunsThatEndInTime() throws {
        let spec = Fixture.spec(grid: "  seed: [1]\n  budget: [{steps: 100000}]",
                                extra: "runs:\n  - {budget: {steps: 8}}")
        let setting = ComputeSetting(processor: "test", library: "test", threads: 1)
        var cost = try CostEstimate(reader: nil)
        let seconds = try Fixture.plan(spec).runs.map { try cost.estimate($0, setting: setting).seconds }
        #expect(seconds[0] > 1000 * seconds[1])

        let path = Fixture.databasePath()
        let queue = try Fixture.queue(try Fixture.plan(spec), path: path)
        queue.timeLimit = .init(deadline: Date(), setting: setting)
        #expect(try queue.run(stop: StopFlag()).isEmpty)
        #expect(queue.leftForTime.map(\.run.id) == [1, 2])

        queue.timeLimit = .init(deadline: Date().addingTimeInterval(seconds[1] + 60), setting: setting)
        let reports = try queue.run(stop: StopFlag())
        #expect(reports.map(\.run.id) == [2] && reports.map(\.status) == ["finished"])
        #expect(queue.leftForTime.map(\.run.id) == [1])
        #expect(try Fixture.statuses(path: path).values.sorted() == ["finished", "queued"])

        queue.timeLimit = .init(deadline: Date().addingTimeInterval(1e9), setting: setting)
        let stop = StopFlag()
        queue.onProgress = { if $0.step == 2 { stop.set() } }
        #expect(try queue.run(stop: stop).map(\.run.id) == [1] && queue.leftForTime.isEmpty)
    }

    @Test func twoQueuesOnOneDatabaseNeverRunTheSameRunTwice() throws {
        let path = Fixture.databasePath()
        let plan = try Fixture.plan(Fixture.spec(grid: "  seed: [1, 2, 3, 4]"))
        _ = try plan.insert(into: try ResultsStore(path: path))
        let claimed = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let plan = try! Fixture.plan(Fixture.spec(grid: "  seed: [1, 2, 3, 4]"))
            let reports = try! Fixture.queue(plan, path: path, owner: "worker-\(worker)").run(stop: StopFlag())
            claimed.withLock { $0 += reports.map(\.run.id) }
        }
        let ids = claimed.withLock { $0 }
        #expect(ids.sorted() == [1, 2, 3, 4])
        let claims = try ResultsReader(path: path).query(
            "SELECT run_id, count(*) FROM events WHERE kind = 'running' GROUP BY run_id").rows
        #expect(claims.count == 4 && claims.allSatisfy { $0[1].int == 1 })
        #expect(try Fixture.statuses(path: path).values.allSatisfy { $0 == "finished" })
    }

    /// A stopped run resumes from its checkpoint; with its checkpoint deleted it starts over and says so in a
    /// `restarted` event. Either way (training being deterministic) the sweep ends with the metrics of an
    /// uninterrupted one.
    @Test(arguments: [false, true])
    func aStoppedSweepResumesToTheMetricsOfAnUninterruptedOne(checkpointDeleted: Bool) throws {
        let straight = Fixture.databasePath()
        _ = try Fixture.queue(try Fixture.plan(Fixture.spec()), path: straight).run(stop: StopFlag())

        let path = Fixture.databasePath()
        let stop = StopFlag()
        let queue = try Fixture.queue(try Fixture.plan(Fixture.spec()), path: path)
        queue.onProgress = { if $0.step == 4 { stop.set() } }
        let first = try queue.run(stop: stop)
        #expect(first.map(\.status) == ["killed"] && first[0].outcome?.step == 4)
        #expect(try Fixture.statuses(path: path).values.sorted() == ["killed", "queued"])
        let checkpoint = queue.executor.checkpoint(for: first[0].run)
        let stored = try ResultsReader(path: path).run(first[0].run.id).run
        if checkpointDeleted {
            try FileManager.default.removeItem(at: checkpoint)
            #expect(queue.executor.start(of: stored) == .restart(
                reason: "no checkpoint at \(checkpoint.path) for the run's step 4: starting over from step 0"))
        } else {
            #expect(queue.executor.start(of: stored) == .resume)
        }

        let second = try Fixture.queue(try Fixture.plan(Fixture.spec()), path: path).run(stop: StopFlag())
        #expect(second.map(\.run.id) == [first[0].run.id, first[0].run.id + 1])
        #expect(second.map(\.status) == ["finished", "finished"])
        let events = try ResultsReader(path: path).run(first[0].run.id).events
        #expect(events.contains { $0.kind == (checkpointDeleted ? "restarted" : "resumed") && $0.step == 4 })
        #expect(!events.contains { $0.kind == (checkpointDeleted ? "resumed" : "restarted") })
        #expect(try Fixture.deterministicMetrics(path: path) == Fixture.deterministicMetrics(path: straight))
    }

    /// A run stopped on one processor and resumed on another records both: its environment names the earlier
    /// setting (`earlierSettings`), an event says where the setting changed, and a report leaves its times out.
    @Test func aRunResumedOnAnotherProcessorRecordsTheSettingItsEarlierStepsRanOn() throws {
        let path = Fixture.databasePath()
        let stop = StopFlag()
        let queue = try Fixture.queue(try Fixture.plan(Fixture.spec(grid: "  seed: [1]")), path: path)
        queue.onProgress = { if $0.step == 4 { stop.set() } }
        let id = try #require(try queue.run(stop: stop).first?.run.id)
        let store = try ResultsStore(path: path)
        var elsewhere = try #require(try store.environment(run: id))
        #expect(elsewhere.earlierSettings.isEmpty)
        elsewhere.cpuModel = "Older CPU (family 25, model 1)"   // as if the first steps had run on a Zen 3
        try store.recordEnvironment(elsewhere, run: id)

        _ = try Fixture.queue(try Fixture.plan(Fixture.spec(grid: "  seed: [1]")), path: path).run(stop: StopFlag())
        let resumed = try #require(try store.environment(run: id))
        #expect(resumed.cpuModel == Processor.current)
        #expect(resumed.earlierSettings == [elsewhere.setting.description])
        let events = try ResultsReader(path: path).run(id).events
        #expect(events.contains { $0.kind == "setting" && $0.step == 4 && $0.message.contains("Older CPU") })
    }

    @Test func aRunWithAStaleHeartbeatIsRecoveredAndResumed() throws {
        let path = Fixture.databasePath()
        let plan = try Fixture.plan(Fixture.spec())
        let (experiment, _) = try plan.insert(into: try ResultsStore(path: path))
        // A process claims a run and dies without a heartbeat.
        let ghostStore = try ResultsStore(path: path, owner: "ghost")
        let ghost = try #require(try ghostStore.claimFirst(of: ghostStore.queuedRunIDs(experimentID: experiment)))

        let queue = try Fixture.queue(plan, path: path)
        queue.staleThreshold = 0.05
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try queue.recoverStaleRuns().map(\.id) == [ghost.id])
        let reports = try queue.run(stop: StopFlag())
        #expect(reports.first?.run.id == ghost.id)
        #expect(reports.map(\.status) == ["finished", "finished"])
    }

    @Test func aFailingRunIsRecordedAndTheSweepGoesOn() throws {
        let path = Fixture.databasePath()
        let plan = try Fixture.plan(Fixture.spec())
        let queue = try Fixture.queue(plan, path: path)
        // Make the first run's checkpoint unwritable: a directory where its temporary file should go.
        let checkpoint = RunExecutor.checkpointDirectory(forDatabase: path)
            .appendingPathComponent("\(plan.runs[0].runKey).safetensors")
        try FileManager.default.createDirectory(at: checkpoint.appendingPathExtension("partial")
                                                    .appendingPathComponent("blocked"),
                                                withIntermediateDirectories: true)
        let reports = try queue.run(stop: StopFlag())
        #expect(reports.map(\.status) == ["failed", "finished"])
        #expect(reports[0].error != nil)
    }
}
