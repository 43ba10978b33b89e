import Foundation
import Synchronization
import Testing
@testable import ResultsStore

@Suite struct ResultsStoreTests {
    @Test func runIdentityIsAHashOfConfigurationAndSeed() {
        let run = sampleRun(1, seed: 3)
        #expect(run.runKey.count == 16 && run.runKey.allSatisfy(\.isHexDigit))
        #expect(run.runKey == sampleRun(1, seed: 3).runKey)
        #expect(run.runKey != sampleRun(1, seed: 4).runKey)
        #expect(run.configHash == sampleRun(1, seed: 4).configHash)
        #expect(run.configHash == SHA256.hex(run.configJSON))
    }

    @Test func sha256MatchesPublishedVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func experimentsAreCreatedOnceAndKeepTheLatestSpec() throws {
        try withStore { store in
            let id = try store.experiment(named: "quick", spec: "v1", description: "first")
            #expect(try store.experiment(named: "quick", spec: "v2") == id)
            #expect(try store.experiment(named: "other") != id)
            #expect(try store.database.query("SELECT spec FROM experiments WHERE id = ?", [id]).rows == [[.text("v2")]])
        }
    }

    @Test func insertingARunTwiceReturnsTheExistingRun() throws {
        try withStore { store in
            let first = try store.insertRun(sampleRun(1))
            #expect(first.inserted && first.status == .queued)
            _ = try store.claimFirst(of: store.queuedRunIDs())
            let again = try store.insertRun(sampleRun(1))
            #expect(again == RunInsertion(id: first.id, status: .running, inserted: false))
            let otherSeed = try store.insertRun(sampleRun(1, seed: 1))
            #expect(otherSeed.inserted && otherSeed.id != first.id)
            #expect(try store.database.query("SELECT count(*) FROM runs").rows == [[.integer(2)]])
        }
    }

    @Test func claimingTakesEachQueuedRunExactlyOnce() throws {
        try withStore { store in
            let ids = try queueRuns(store, count: 5)
            var claimed: [Int] = []
            while let run = try store.claimFirst(of: store.queuedRunIDs()) {
                #expect(run.status == .running && run.owner == store.owner)
                #expect(run.startedAt != nil && run.heartbeatAt != nil)
                claimed.append(run.id)
            }
            #expect(claimed == ids)
        }
    }

    /// Two configurations queued one after the other, three seeds each: claimed seed by seed, so that every
    /// prefix of the sweep has both configurations' seeds about level.
    @Test func claimingTakesTheLowestSeedFirstThenTheOldest() throws {
        try withStore { store in
            let queued = try [1, 2].flatMap { index in
                try [7, 3, 5].map { seed in try store.insertRun(sampleRun(index, seed: seed)).id }
            }
            var claimed: [Int] = []
            while let run = try store.claimFirst(of: store.queuedRunIDs()) { claimed.append(run.id) }
            #expect(claimed == [queued[1], queued[4], queued[2], queued[5], queued[0], queued[3]])
        }
    }

    @Test func claimingWithinAnExperimentLeavesOtherRunsQueued() throws {
        try withStore { store in
            let experiment = try store.experiment(named: "e")
            let outside = try store.insertRun(sampleRun(0)).id
            let inside = try store.insertRun(sampleRun(1, experimentID: experiment)).id
            #expect(try store.claimFirst(of: store.queuedRunIDs(experimentID: experiment))?.id == inside)
            #expect(try store.claimFirst(of: store.queuedRunIDs(experimentID: experiment)) == nil)
            #expect(try store.claimFirst(of: store.queuedRunIDs())?.id == outside)
        }
    }

    @Test func twoConnectionsToOneFileNeverClaimTheSameRun() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lab.sqlite").path
            let first = try ResultsStore(path: path, owner: "1@test")
            let second = try ResultsStore(path: path, owner: "2@test")
            let ids = try queueRuns(first, count: 6)
            var claims: [Int] = []
            for store in [first, second, second, first, second, first, first, second] {
                if let run = try store.claimFirst(of: store.queuedRunIDs()) { claims.append(run.id) }
            }
            #expect(claims == ids)
            let owners = try ResultsReader(path: path).query("SELECT owner, count(*) FROM runs GROUP BY owner")
            #expect(owners.rows == [[.text("1@test"), .integer(3)], [.text("2@test"), .integer(3)]])
        }
    }

    /// A claim from a list read a moment before passes over the runs another process took or ended meanwhile,
    /// and does not pass over a failure: a worker must not take "nothing claimed" for "nothing left".
    @Test func claimingFromAListPassesOverTakenRunsAndThrowsOnErrors() throws {
        try withStore { store in
            let ids = try queueRuns(store, count: 3)
            let other = try ResultsStore(path: store.path, owner: "other@test")
            #expect(try other.claimFirst(of: [ids[0]])?.id == ids[0])
            try other.finish(run: ids[0], as: .finished)
            #expect(try store.claimFirst(of: ids, where: { $0 != ids[1] })?.id == ids[2])
            #expect(try store.claimFirst(of: ids)?.id == ids[1])
            #expect(try store.claimFirst(of: ids) == nil)   // finished, running, running
            #expect(throws: StoreError.self) { try store.claimFirst(of: [ids[2] + 100]) }
        }
    }

    @Test func twoThreadsRacingClaimEachRunOnce() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lab.sqlite").path
            let ids = try queueRuns(ResultsStore(path: path), count: 40)
            let outcome = RaceOutcome()
            let done = DispatchGroup()
            for worker in 0..<2 {
                done.enter()
                Thread {
                    defer { done.leave() }
                    do {
                        let store = try ResultsStore(path: path, owner: "\(worker)@test")
                        while let run = try store.claimFirst(of: store.queuedRunIDs()) {
                            outcome.claims.withLock { $0.append(run.id) }
                        }
                    } catch {
                        outcome.failures.withLock { $0.append("\(error)") }
                    }
                }.start()
            }
            done.wait()
            #expect(outcome.failures.withLock { $0 } == [])
            #expect(outcome.claims.withLock { $0.sorted() } == ids)
        }
    }

    @Test func lifecycleAllowsOnlyTheDocumentedTransitions() {
        let allowed: Set<String> = [
            "queued→running", "killed→running",
            "running→finished", "running→failed", "running→diverged", "running→killed",
            "failed→queued", "diverged→queued", "killed→queued",
        ]
        for from in RunStatus.allCases {
            for to in RunStatus.allCases {
                #expect(from.canChange(to: to) == allowed.contains("\(from.rawValue)→\(to.rawValue)"), "\(from)→\(to)")
            }
        }
    }

    @Test func storeRefusesTransitionsThatMakeNoSense() throws {
        try withStore { store in
            let id = try store.insertRun(sampleRun(1)).id
            let early = try #require(throws: StoreError.self) { try store.finish(run: id, as: .finished) }
            #expect(early.message == "run \(id) cannot go from queued to finished")
            #expect(throws: StoreError.self) { try store.requeue(run: id) }

            #expect(try store.claimRun(id).status == .running)
            #expect(throws: StoreError.self) { try store.claimRun(id) }
            #expect(throws: StoreError.self) { try store.finish(run: id, as: .queued) }
            try store.finish(run: id, as: .finished, diedAtStep: 40)
            #expect(throws: StoreError.self) { try store.claimRun(id) }
            #expect(throws: StoreError.self) { try store.requeue(run: id) }
            #expect(throws: StoreError.self) { try store.heartbeat(run: id, step: 1) }
            let finished = try store.database.fetchRun(id)
            #expect(finished.status == .finished && finished.finishedAt != nil && finished.diedAtStep == 40)

            let unknown = try #require(throws: StoreError.self) { try store.claimRun(999) }
            #expect(unknown.message == "no run with id 999")
        }
    }

    @Test func killedRunsResumeAndFailedRunsRequeue() throws {
        try withStore { store in
            let id = try queueRuns(store, count: 1)[0]
            _ = try store.claimRun(id)
            try store.heartbeat(run: id, step: 30)
            try store.finish(run: id, as: .killed, error: "SIGINT")
            let resumed = try store.claimRun(id)
            #expect(resumed.status == .running && resumed.error == nil && resumed.finishedAt == nil)
            #expect(resumed.step == 30)
            try store.finish(run: id, as: .failed, error: "out of memory")
            try store.requeue(run: id)
            let requeued = try store.database.fetchRun(id)
            #expect(requeued.status == .queued && requeued.owner == nil)
            #expect(try store.claimFirst(of: store.queuedRunIDs())?.id == id)
            let kinds = try ResultsReader(path: store.path).run(id).events.map(\.kind)
            #expect(kinds == ["running", "killed", "running", "failed", "queued", "running"])
        }
    }

    @Test func heartbeatsFromAnotherOwnerAreRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lab.sqlite").path
            let mine = try ResultsStore(path: path, owner: "1@test")
            let theirs = try ResultsStore(path: path, owner: "2@test")
            let id = try queueRuns(mine, count: 1)[0]
            _ = try mine.claimFirst(of: mine.queuedRunIDs())
            try mine.heartbeat(run: id, step: 5)
            let error = try #require(throws: StoreError.self) { try theirs.heartbeat(run: id, step: 6) }
            #expect(error.message.contains("no longer running under 2@test (status running, owner 1@test)"))
            #expect(try mine.database.fetchRun(id).step == 5)
        }
    }

    /// A process that exited without releasing its run (a full disk, a crash) is recognised on the next start
    /// when it ran on this host, without waiting for its heartbeat to go stale.
    @Test func runsOfDeadProcessesOfThisHostAreMarkedKilledAtOnce() throws {
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let host = ProcessInfo.processInfo.hostName
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lab.sqlite").path
            let ids = try queueRuns(ResultsStore(path: path), count: 3)
            for (id, owner) in zip(ids, ["\(exited.processIdentifier)@\(host)", "\(exited.processIdentifier)@elsewhere",
                                         ResultsStore.processOwner]) {
                _ = try ResultsStore(path: path, owner: owner).claimRun(id)
            }
            let store = try ResultsStore(path: path)
            let dead = try store.markStaleRuns(olderThan: 600)
            #expect(dead.map(\.id) == [ids[0]])
            #expect(dead.first?.error == "its owner, process \(exited.processIdentifier) of this host "
                    + "(\(exited.processIdentifier)@\(host)), no longer exists")
            #expect(try store.database.fetchRun(ids[1]).status == .running)   // another host's: wait for the heartbeat
            #expect(try store.database.fetchRun(ids[2]).status == .running)   // alive
        }
    }

    /// A live process of this host running this program keeps its run however old its heartbeat (it was
    /// stopped, not killed); a live process of another program with that process ID does not.
    @Test func stoppedProcessesOfThisHostKeepTheirRuns() throws {
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/bin/sleep")
        other.arguments = ["30"]
        try other.run()
        defer { other.terminate() }
        let host = ProcessInfo.processInfo.hostName
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("lab.sqlite").path
            let ids = try queueRuns(ResultsStore(path: path), count: 2)
            for (id, owner) in zip(ids, [ResultsStore.processOwner, "\(other.processIdentifier)@\(host)"]) {
                _ = try ResultsStore(path: path, owner: owner).claimRun(id)
            }
            let store = try ResultsStore(path: path)
            try store.database.run("UPDATE runs SET heartbeat_at = heartbeat_at - 1000")
            let stale = try store.markStaleRuns(olderThan: 60)
            #expect(stale.map(\.id) == [ids[1]])
            #expect(stale.first?.error?.contains("presumed dead") == true)
            #expect(try store.database.fetchRun(ids[0]).status == .running)
        }
    }

    @Test func staleRunsAreMarkedKilledAndReported() throws {
        try withStore { store in
            let ids = try queueRuns(store, count: 3)
            let elsewhere = try ResultsStore(path: store.path, owner: "4242@elsewhere")
            let silent = try #require(try elsewhere.claimFirst(of: elsewhere.queuedRunIDs())).id
            let alive = try #require(try store.claimFirst(of: store.queuedRunIDs())).id
            try store.database.run("UPDATE runs SET heartbeat_at = heartbeat_at - 120 WHERE id = ?", [silent])
            #expect(try store.markStaleRuns(olderThan: 600).isEmpty)

            let stale = try store.markStaleRuns(olderThan: 60)
            #expect(stale.map(\.id) == [silent])
            #expect(stale[0].status == .killed && stale[0].error?.contains("presumed dead") == true)
            #expect(try store.database.fetchRun(alive).status == .running)
            #expect(try store.database.fetchRun(ids[2]).status == .queued)
            let events = try ResultsReader(path: store.path).run(silent).events
            #expect(events.last?.kind == "killed" && events.last?.message == stale[0].error)
            #expect(try store.markStaleRuns(olderThan: 60).isEmpty)
            #expect(try store.claimRun(silent).status == .running)
        }
    }
}

/// What the racing threads saw, shared between them.
private final class RaceOutcome: Sendable {
    let claims = Mutex<[Int]>([])
    let failures = Mutex<[String]>([])
}
