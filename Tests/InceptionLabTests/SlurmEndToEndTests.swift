import Foundation
import ResultsStore
import RunContract
import Testing

/// Whether a Slurm controller answers here; the end-to-end test needs one (`.ci/run` starts a one-node cluster).
private let slurmAnswers: Bool = {
    let answers = (try? command("sinfo", ["-h"]))?.status == 0
    if !answers {
        print("Slurm end-to-end test skipped: no Slurm cluster answers `sinfo` here "
              + "(.ci/run starts one; see docs/cluster.md)")
    }
    return answers
}()

/// A progress line in the test's output (the CI log), at once.
private func log(_ line: String) {
    print("[slurm e2e] \(line)")
    fflush(nil)
}

/// The issue's end-to-end test on a real Slurm: a spec of 4 tiny runs submitted as a job array (1 CPU per task,
/// at most 2 at a time); one running task is sent SIGTERM and requeued, and must resume from its checkpoint; the
/// shards are merged twice; the merged database must hold 4 finished runs, intact, with exactly the metrics and
/// the report of the same spec run by `inception-lab run` on this machine with the same thread count (timings
/// aside).
@Suite("A sweep on a real Slurm cluster")
struct SlurmEndToEndTests {
    /// Experiments/cluster-smoke.yaml: 4 runs of about 10 s on one core.
    static let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Experiments/cluster-smoke.yaml")

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-e2e-\(UUID().uuidString)")
    let lab = inceptionLabExecutable().path

    /// `inception-lab ARGUMENTS` in the test's directory; a failure records its output.
    @discardableResult
    func inceptionLab(_ arguments: [String]) throws -> String {
        let finished = try command(lab, arguments, in: directory)
        #expect(finished.status == 0, "inception-lab \(arguments.joined(separator: " ")) failed:\n\(finished.output)")
        return finished.output
    }

    /// Polls `condition` every 0.2 s for at most `seconds`; whether it became true.
    func wait(upTo seconds: Double, _ what: String, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Issue.record("timed out after \(Int(seconds)) s waiting for \(what)")
        return false
    }

    /// squeue's states of the job's tasks, by task id (`JOB_INDEX`).
    func tasks(_ job: String) throws -> [String: String] {
        let lines = try command("squeue", ["-h", "-r", "-j", job, "-o", "%i %T"]).output.split(separator: "\n")
        return Dictionary(lines.compactMap { line in
            let parts = line.split(separator: " ").map(String.init)
            return parts.count == 2 && parts[0].hasPrefix("\(job)_") ? (parts[0], parts[1]) : nil
        }, uniquingKeysWith: { a, _ in a })
    }

    /// The one run of a shard (status, step), if the shard exists and has it.
    func shardRun(_ path: String) -> (status: String, step: Int)? {
        guard FileManager.default.fileExists(atPath: path), let reader = try? ResultsReader(path: path),
              let row = try? reader.query("SELECT status, step FROM runs").rows.first else { return nil }
        return (row[0].string!, row[1].int!)
    }

    /// The limit only catches a hang: the tasks share the machine's two CPUs with the rest of the suite, which runs
    /// in parallel, so the test took 45 s in one CI run and 212 s in another (on the same machine kind).
    @Test(.enabled(if: slurmAnswers, "no Slurm cluster answers `sinfo`"), .timeLimit(.minutes(15)))
    func submitPreemptRequeueAndMerge() throws {
        let started = Date()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: Self.spec, to: directory.appendingPathComponent("cluster-smoke.yaml"))
        let shards = directory.appendingPathComponent("results/shards/cluster-smoke")

        // 1. Submit: 4 tasks, 1 CPU each, at most 2 at a time.
        log(try inceptionLab(["submit", "cluster-smoke.yaml", "--slurm", "--cpus-per-task", "1", "--max-parallel", "2",
                              "--time", "10:00"]).trimmingCharacters(in: .newlines))
        let job = try String(contentsOf: directory.appendingPathComponent("results/slurm/cluster-smoke/job-id"),
                             encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let plan = try String(contentsOf: shards.appendingPathComponent("plan.tsv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        #expect(plan.map { $0[0] } == ["0", "1", "2", "3"])
        defer { _ = try? command("scancel", [job]) }   // nothing of this test is left in the queue, whatever happens
        // The main database holds the submitted runs as queued until their shards are merged (an interim look).
        let db = directory.appendingPathComponent("results/lab.sqlite").path
        #expect(try ResultsReader(path: db).query("SELECT status, count(*) FROM runs GROUP BY status").rows
                == [[.text("queued"), .integer(4)]])

        // 2. SIGTERM one running task once its run has checkpointed, as preemption would; then requeue it.
        var preempted: (task: String, key: String)?
        guard try wait(upTo: 90, "a running task with a checkpoint", {
            for (task, state) in try tasks(job) where state == "RUNNING" {
                let key = plan[Int(task.split(separator: "_")[1])!][1]
                if let run = shardRun(shards.appendingPathComponent("\(key).sqlite").path), run.status == "running",
                   run.step >= 20 {
                    preempted = (task, key)
                    return true
                }
            }
            return false
        }), let preempted else { return }
        let shard = shards.appendingPathComponent("\(preempted.key).sqlite").path
        log("task \(preempted.task) (run \(preempted.key)) at step \(shardRun(shard)!.step): scancel --signal=TERM")
        let scancel = try command("scancel", ["--signal=TERM", preempted.task])
        // scancel may report "Job/step already completing" when the run checkpointed and exited before its retry;
        // the signal was delivered all the same, which the run's state below proves.
        if scancel.status != 0 {
            log("scancel exited with status \(scancel.status) (the task was already completing) "
                + scancel.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard try wait(upTo: 60, "the preempted run to be marked killed", {
            try shardRun(shard)?.status != "running" && tasks(job)[preempted.task] == nil
        }) else { return }
        let killedAt = shardRun(shard)!
        log("task \(preempted.task) ended; its run is \(killedAt.status) at step \(killedAt.step); scontrol requeue")
        #expect(killedAt.status == "killed", "SIGTERM did not checkpoint and mark the run killed")
        #expect(try command("scontrol", ["requeue", preempted.task]).status == 0)
        // Slurm holds a requeued job for about two minutes (BeginTime); let it start at once.
        #expect(try command("scontrol", ["update", "JobId=\(preempted.task)", "StartTime=now"]).status == 0)

        // 3. Wait for the array, then merge twice.
        var last = ""
        guard try wait(upTo: 180, "the job array to end", {
            let states = try tasks(job).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")
            if states != last { log(states.isEmpty ? "the array has ended" : states); last = states }
            return states.isEmpty
        }) else { return }
        let shardFiles = try FileManager.default.contentsOfDirectory(atPath: shards.path)
            .filter { $0.hasSuffix(".sqlite") }.sorted().map { "results/shards/cluster-smoke/\($0)" }
        #expect(shardFiles.count == 4)
        let first = try inceptionLab(["merge"] + shardFiles)
        log(first.split(separator: "\n").last.map(String.init) ?? "")
        #expect(first.hasSuffix("0 runs added, 4 runs updated, 0 runs unchanged\n"))   // the queued rows, now finished
        let once = try dump(db)
        let again = try inceptionLab(["merge"] + shardFiles)
        log("again: " + (again.split(separator: "\n").last.map(String.init) ?? ""))
        #expect(again.hasSuffix("0 runs added, 0 runs updated, 4 runs unchanged\n"))
        #expect(try dump(db) == once, "merging the shards again changed the database")

        // 4. Checks.
        let reader = try ResultsReader(path: db)
        #expect(try reader.query("SELECT status, count(*) FROM runs GROUP BY status").rows
                == [[.text("finished"), .integer(4)]])
        #expect(try reader.query("SELECT run_id, name, step FROM metrics GROUP BY 1, 2, 3 "
                                 + "HAVING count(*) > 1").rows.isEmpty)
        #expect(try reader.query("PRAGMA integrity_check").rows == [[.text("ok")]])
        let events = try reader.query("""
            SELECT e.kind, e.step FROM events AS e JOIN runs AS r ON r.id = e.run_id WHERE r.run_key = ? ORDER BY e.id
            """.replacingOccurrences(of: "?", with: "'\(preempted.key)'")).rows
            .map { "\($0[0].string!)@\($0[1].int ?? -1)" }
        log("events of the preempted run, checkpoints aside: "
            + events.filter { !$0.hasPrefix("checkpoint@") }.joined(separator: ", "))
        #expect(events.contains("resumed@\(killedAt.step)"), "the requeued task did not resume from its checkpoint")
        #expect(events.filter { $0.hasPrefix("running@") } == ["running@0", "running@\(killedAt.step)"])

        // The same spec on this machine, one thread per run as on the cluster (two workers of one thread each).
        log("the same spec by `inception-lab run` on this machine")
        try inceptionLab(["run", "cluster-smoke.yaml", "--db", "single/lab.sqlite", "--workers", "2", "--threads", "2"])
        let single = directory.appendingPathComponent("single/lab.sqlite").path
        let merged = try metrics(db), alone = try metrics(single)
        #expect(merged.count == alone.count && merged.count > 4 * 100)
        #expect(merged == alone, "the cluster's metrics differ from the single-machine run's")
        let reportCluster = try report(db), reportAlone = try report(single)
        #expect(reportCluster == reportAlone, "the reports differ beyond their timings")
        log("4 runs finished, merged twice, metrics and report equal to the single-machine run's "
            + "(\(merged.count) values) in \(Int(Date().timeIntervalSince(started))) s")
    }

    /// Every row of every table, to compare a database before and after.
    func dump(_ path: String) throws -> [String] {
        let reader = try ResultsReader(path: path)
        return try ["experiments", "runs", "metrics", "events", "environments"].flatMap { table in
            try reader.query("SELECT * FROM \(table) ORDER BY 1, 2, 3").rows.map { "\(table): \($0)" }
        }
    }

    /// Every metric but the timings, as (run key, name, step) → value (NaN as NULL: nil).
    func metrics(_ path: String) throws -> [String: Double?] {
        let rows = try ResultsReader(path: path).query("""
            SELECT r.run_key, m.name, m.step, m.value FROM metrics AS m JOIN runs AS r ON r.id = m.run_id
            """).rows.filter { !Metric.timing.contains($0[1].string!) }
        return Dictionary(uniqueKeysWithValues: rows.map {
            ("\($0[0].string!) \($0[1].string!) \($0[2].int!)", $0[3].double)
        })
    }

    /// The experiment's JSON report without its timing fields (`wallTime`, `medianStepTime`, `medianStepTimeAnyRun`).
    func report(_ path: String) throws -> NSDictionary {
        let json = try inceptionLab(["report", "cluster-smoke.yaml", "--format", "json", "--db", path])
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return object.filter { !["time", "medianStepTime", "medianStepTimeAnyRun"].contains($0.key) }
                    .mapValues(strip)
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        return strip(try JSONSerialization.jsonObject(with: Data(json.utf8))) as! NSDictionary
    }
}
