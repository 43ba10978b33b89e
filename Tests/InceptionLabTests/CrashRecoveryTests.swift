import Foundation
import ResultsStore
import TensorBoard
import Testing

/// The step of the last checkpoint recorded in the database at `db`, polled every 0.1 s until it reaches `step`,
/// `process` ends or `seconds` pass: everything recorded up to that step has been committed.
func checkpointStep(in db: String, reaching step: Int, while process: Process, seconds: Double) -> Int {
    var checkpointStep = 0
    let deadline = Date().addingTimeInterval(seconds)
    while checkpointStep < step && Date() < deadline && process.isRunning {
        Thread.sleep(forTimeInterval: 0.1)
        guard FileManager.default.fileExists(atPath: db), let reader = try? ResultsReader(path: db),
              let table = try? reader.query("SELECT max(step) FROM events WHERE kind = 'checkpoint'") else { continue }
        checkpointStep = table.rows.first?.first?.int ?? 0
    }
    return checkpointStep
}

@Suite("A training process killed with SIGKILL")
struct CrashRecoveryTests {
    /// Trains a tiny model on synthetic data in a child process, kills it with SIGKILL once a checkpoint has been
    /// written, and checks that the database opens intact, keeps every metric flushed before the kill, and shows
    /// the run as dead (stale heartbeat) to the next command, `runs --json` included, and that its TensorBoard
    /// file, written live, is valid and holds every step the database held at the checkpoint.
    @Test(.timeLimit(.minutes(2)))
    func leavesAnIntactDatabaseAndADetectableDeadRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("lab.sqlite").path
        let process = try startInceptionLab([
            "train", "--dataset", "synthetic", "--model", "inception-resnet-v2-paper", "--width", "0.0625",
            "--repeats", "1,1,1", "--steps", "100000", "--batch", "16", "--log-every", "1", "--eval-every", "100000",
            "--checkpoint-every", "5", "--threads", "1", "--db", db,
            "--tensorboard", dir.appendingPathComponent("tb").path])
        // Wait for the second checkpoint: everything recorded up to its step has been committed.
        let checkpointStep = checkpointStep(in: db, reaching: 10, while: process, seconds: 90)
        #expect(process.isRunning, "the training process ended on its own")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(checkpointStep >= 10)

        let reader = try ResultsReader(path: db)
        #expect(try reader.query("PRAGMA integrity_check").rows.first?.first?.string == "ok")
        let losses = try reader.metricSeries(run: 1, name: "train_loss")
        #expect(Set(losses.map(\.step)).isSuperset(of: Set(1...checkpointStep)),
                "a metric flushed before the kill is missing")
        #expect(try reader.run(1).run.status == .running)

        let runDirectory = dir.appendingPathComponent("tb").appendingPathComponent(try reader.run(1).run.name)
        let files = try FileManager.default.contentsOfDirectory(atPath: runDirectory.path)
        #expect(files.count == 1)
        let (events, truncated) = try EventFile.read(runDirectory.appendingPathComponent(files[0]))
        #expect(!truncated)
        let lossSteps = Set(events.filter {
            guard case .summary(let values) = $0.content else { return false }
            return values.contains { $0.tag == "train_loss" }
        }.map(\.step))
        #expect(lossSteps.isSuperset(of: Set(1...checkpointStep)), "a step flushed at the checkpoint is missing")

        // `runs --json` says the run is presumed dead.
        Thread.sleep(forTimeInterval: 1.2)
        let json = try runsJSON(db: db, staleAfter: "1")
        #expect(json.count == 1 && json[0]["presumed_dead"] as? Bool == true
                && json[0]["status"] as? String == "running")
        #expect((json[0]["heartbeat_age_s"] as? Double ?? 0) >= 1)
        // Its owner, a process of this host, is gone: dead whatever the threshold.
        #expect(try runsJSON(db: db, staleAfter: "3600")[0]["presumed_dead"] as? Bool == true)

        let store = try ResultsStore(path: db)
        let dead = try store.markStaleRuns(olderThan: 0)
        #expect(dead.map(\.id) == [1])
        #expect(try reader.run(1).run.status == .killed)
    }

    /// `inception-lab runs --json` on `db` as parsed JSON objects.
    private func runsJSON(db: String, staleAfter: String) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = inceptionLabExecutable()
        process.arguments = ["runs", "--json", "--db", db, "--stale-after", staleAfter]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }
}

@Suite("A cluster task killed with SIGKILL")
struct ShardTakeoverTests {
    /// A task's `run --shard 0/4 … --stale-after 0` killed outright (a lost node) leaves its run `running` in its
    /// shard; the same command again, as a requeued task, takes the run over at once and resumes it from its
    /// last periodic checkpoint.
    @Test(.timeLimit(.minutes(2)))
    func theRequeuedTaskResumesARunLeftRunning() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takeover-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Experiments/cluster-smoke.yaml").path
        let shard = dir.appendingPathComponent("shard.sqlite").path
        let task = ["run", spec, "--shard", "0/4", "--db", shard, "--threads", "1", "--stale-after", "0"]
        let first = try startInceptionLab(task)
        let checkpointStep = checkpointStep(in: shard, reaching: 20, while: first, seconds: 60)
        #expect(first.isRunning, "the task ended on its own")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(try ResultsReader(path: shard).run(1).run.status == .running)

        let second = try startInceptionLab(task)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        let run = try ResultsReader(path: shard).run(1)
        #expect(run.run.status == .finished && run.run.name.hasSuffix("-s1"))
        #expect(run.events.contains { $0.kind == "killed" })
        #expect(run.events.contains { $0.kind == "resumed" && ($0.step ?? 0) >= checkpointStep })
    }
}
