import Foundation
import ResultsStore
import Runner
import Testing

/// What `RunClaimer.claim` decides for each state a configuration's run can be in, with the messages `train`
/// shows; the stores are real databases in temporary directories.
@Suite("Run claimer")
struct RunClaimerTests {
    /// A run of a tiny configuration: the claimer reads only its key, never the configuration itself.
    static let newRun = NewRun(name: "tiny-s0", configJSON: #"{"model":"tiny"}"#, seed: 0, totalSteps: 8)

    /// What a claim came to: `claimed N` (with the run now running under `store`'s owner), `finished N`, or the
    /// refusal's message.
    static func claim(_ run: NewRun = newRun, in store: ResultsStore, resume: Bool) throws -> String {
        do {
            switch try RunClaimer(store: store).claim(run, resume: resume) {
            case .claimed(let claimed):
                #expect(claimed.status == .running && claimed.owner == store.owner)
                return "claimed \(claimed.id)"
            case .finished(let id):
                return "finished \(id)"
            }
        } catch let refusal as RunClaimer.Refusal {
            return refusal.description
        }
    }

    @Test func aNewConfigurationIsQueuedAndClaimedAndTheSameOneAgainIsTheSameRun() throws {
        let store = try ResultsStore(path: Fixture.databasePath())
        #expect(try Self.claim(in: store, resume: false) == "claimed 1")
        let run = try ResultsReader(path: store.path).run(1).run
        #expect(run.runKey == Self.newRun.runKey && run.totalSteps == 8)
        try store.finish(run: 1, as: .finished)
        var otherName = Self.newRun
        otherName.name = "renamed"
        #expect(try Self.claim(otherName, in: store, resume: false) == "finished 1")
        var otherSeed = Self.newRun
        otherSeed.seed = 1
        #expect(try Self.claim(otherSeed, in: store, resume: false) == "claimed 2")
    }

    /// An ended run of the configuration: finished is nothing to do, killed and failed resume only when asked
    /// (a failed run through the queue again), diverged never.
    @Test(arguments: [
        (RunStatus.finished, false, "finished 1"),
        (.finished, true, "finished 1"),
        (.killed, false, "run 1 with this configuration was killed; add --resume to continue it"),
        (.killed, true, "claimed 1"),
        (.failed, false, "run 1 with this configuration was failed; add --resume to continue it"),
        (.failed, true, "claimed 1"),
        (.diverged, false, "run 1 with this configuration diverged; training is deterministic, so it would again — "
            + "change the seed or the recipe"),
        (.diverged, true, "run 1 with this configuration diverged; training is deterministic, so it would again — "
            + "change the seed or the recipe"),
    ])
    func anEndedRun(ended: RunStatus, resume: Bool, expected: String) throws {
        let store = try ResultsStore(path: Fixture.databasePath())
        #expect(try Self.claim(in: store, resume: false) == "claimed 1")
        try store.finish(run: 1, as: ended)
        #expect(try Self.claim(in: store, resume: resume) == expected)
        let run = try ResultsReader(path: store.path).run(1)
        #expect(run.run.status == (expected.hasPrefix("claimed") ? .running : ended))
        #expect(run.events.contains { $0.kind == "queued" } == (ended == .failed && resume))
    }

    /// A run whose owner is alive (this process, beating) is refused to everyone, its owner included.
    @Test func aRunningRunWithALiveOwnerIsRefused() throws {
        let path = Fixture.databasePath()
        let owner = try ResultsStore(path: path)
        #expect(try Self.claim(in: owner, resume: false) == "claimed 1")
        let message = "run 1 with this configuration is running in another process"
        #expect(try Self.claim(in: ResultsStore(path: path, owner: "other"), resume: true) == message)
        #expect(try Self.claim(in: owner, resume: false) == message)
        #expect(try ResultsReader(path: path).run(1).run.owner == owner.owner)
    }

    /// A run whose owner is gone — silent for longer than the threshold, or a process of this host that no longer
    /// exists (found at once) — is marked killed and reported, whatever its configuration; then it resumes like
    /// any killed run.
    @Test(arguments: [
        ("ghost", 0.05, "no heartbeat from ghost for over 0.05 s: presumed dead"),
        ("2000000000@\(ProcessInfo.processInfo.hostName)", RunQueue.defaultStaleThreshold,
         "its owner, process 2000000000 of this host (2000000000@\(ProcessInfo.processInfo.hostName)), "
         + "no longer exists"),
    ])
    func aRunWithADeadOwnerIsTakenOver(deadOwner: String, threshold: Double, reason: String) throws {
        let path = Fixture.databasePath()
        // The dead owner had claimed this configuration's run and another one.
        let dead = try ResultsStore(path: path, owner: deadOwner)
        var other = Self.newRun
        other.seed = 1
        for run in [Self.newRun, other] { _ = try dead.claimRun(try dead.insertRun(run).id) }
        Thread.sleep(forTimeInterval: 0.2)

        var claimer = RunClaimer(store: try ResultsStore(path: path, owner: "heir"))
        claimer.staleThreshold = threshold
        var recovered: [Run] = []
        claimer.onRecovered = { recovered.append($0) }
        #expect(throws: RunClaimer.Refusal.notResumed(id: 1, status: .killed)) {
            try claimer.claim(Self.newRun, resume: false)
        }
        #expect(recovered.map(\.id) == [1, 2])
        #expect(recovered.allSatisfy { $0.status == .killed && $0.error == reason })

        recovered = []
        let resumed = try claimer.claim(Self.newRun, resume: true)
        #expect(recovered.isEmpty)
        guard case .claimed(let run) = resumed else { Issue.record("not claimed: \(resumed)"); return }
        #expect(run.id == 1 && run.status == .running && run.owner == "heir")
    }
}
