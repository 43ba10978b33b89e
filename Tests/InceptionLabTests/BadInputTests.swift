import Foundation
import ResultsStore
import Testing

/// A scratch directory removed when the value is released.
final class Scratch {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-input-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
    var db: String { url.appendingPathComponent("lab.sqlite").path }

    /// Writes `text` to `name` in the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// A tiny model on the synthetic dataset: `train` arguments before the ones a test adds.
let tinyTraining = ["train", "--dataset", "synthetic", "--model", "inception-resnet-v2-paper", "--width", "0.0625",
                    "--repeats", "1,1,1", "--validation", "64", "--threads", "1"]

/// A spec of one tiny run, with `base` lines (indented by two spaces) added to its base configuration.
func tinySpec(_ base: String...) -> String {
    """
    name: bad-input
    base:
      model: {model: inception-resnet-v2-paper, width: 0.0625, repeats: [1, 1, 1]}
      budget: {steps: 2}
    \(base.map { "  " + $0 }.joined(separator: "\n"))
    """
}

/// Bad input ends the real executable with a clean exit status and a one-line reason: never a trap (status 132
/// from a Swift runtime failure), and never a run left behind in `running`. Each case is a row of
/// docs/bad-input.md.
@Suite("Bad input", .serialized)
struct BadInputTests {
    /// Exits with `status`, a normal exit, and an output that contains `message`.
    func expectRefusal(_ finished: Finished, status: Int32, _ message: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(finished.reason == .exit && finished.status == status, "\(finished.output)",
                sourceLocation: sourceLocation)
        #expect(finished.output.contains(message), "\(finished.output)", sourceLocation: sourceLocation)
    }

    @Test func sqlRefusesASecondStatementAndAnythingButAQuery() throws {
        let scratch = try Scratch()
        _ = try ResultsStore(path: scratch.db)
        func sql(_ statement: String) throws -> Finished {
            try inceptionLab(["sql", "--db", scratch.db, statement], in: scratch.url)
        }
        expectRefusal(try sql("SELECT 1; DROP TABLE runs"), status: 1, "only one SQL statement may be given at a time")
        let allowed = "only SELECT statements and PRAGMA queries such as PRAGMA table_info(runs) may be run"
        expectRefusal(try sql("PRAGMA journal_mode = DELETE"), status: 1,
                      "read-only: PRAGMA journal_mode = DELETE is not allowed; \(allowed)")
        expectRefusal(try sql("PRAGMA writable_schema = ON"), status: 1,
                      "read-only: PRAGMA writable_schema = ON is not allowed; \(allowed)")
        expectRefusal(try sql("VACUUM INTO '\(scratch.url.path)/copy.sqlite'"), status: 1,
                      "read-only: a statement that may write")
        expectRefusal(try sql("ATTACH '\(scratch.db)' AS other"), status: 1, "read-only: ATTACH or DETACH")
        let long = "SELECT name, step, value FROM metrics WHERE run_id=1 AND name LIKE '%top%' OR name LIKE '%loss%'"
        let query = try sql(long)
        #expect(query.status == 0 && query.output.hasPrefix("name"), "\(query.output)")
        #expect(try ResultsReader(path: scratch.db).query("SELECT count(*) FROM runs").rows == [[.integer(0)]])
    }

    @Test(arguments: [
        (["--batch", "100000000"], "invalid setting batch: expected at most 5936 images, the training split (6000 "
            + "training images less 64 held out for validation); found 100000000"),
        (["--validation", "0"], "invalid setting validation: expected between 1 and 5999 images held out of the 6000 "
            + "training images; found 0"),
        (["--validation", "70000"], "invalid setting validation: expected between 1 and 5999 images held out"),
    ])
    func trainRefusesSplitsTheDataCannotGiveBeforeCreatingARun(options: [String], message: String) throws {
        let scratch = try Scratch()
        let finished = try inceptionLab(tinyTraining + ["--steps", "1", "--db", scratch.db] + options, in: scratch.url)
        expectRefusal(finished, status: 64, message)
        #expect(!FileManager.default.fileExists(atPath: scratch.db), "a run was created: \(finished.output)")
    }

    @Test(arguments: [
        (["--model", "inception-v5"], "Error: The value 'inception-v5' is invalid for '--model <model>'. Please "
            + "provide one of 'inception-v3', 'inception-v4', 'inception-resnet-v1', 'inception-resnet-v2-paper' or "
            + "'inception-resnet-v2'."),
        (["--normalization", "none"], "Error: The value 'none' is invalid for '--normalization <normalization>'. "
            + "Please provide one of 'standardized', 'unit' or 'symmetric'."),
    ])
    func trainRefusesANameOutsideItsClosedSetListingTheNames(options: [String], message: String) throws {
        let scratch = try Scratch()
        let finished = try inceptionLab(tinyTraining + ["--steps", "1", "--db", scratch.db] + options, in: scratch.url)
        expectRefusal(finished, status: 64, message)
        #expect(!FileManager.default.fileExists(atPath: scratch.db), "a run was created: \(finished.output)")
    }

    @Test(arguments: [
        (tinySpec("batchSize: 100000", "data: {name: synthetic}"),
         "spec.yaml: grid point the base configuration: invalid setting batch: expected at most 5400 images"),
        (tinySpec("data: {name: synthetic, validationCount: 70000}"),
         "spec.yaml: grid point the base configuration: invalid setting validation: expected between 1 and 5999"),
        (tinySpec("seed: -1"), "spec.yaml: base.seed: expected a whole number of 0 or more; found the number -1"),
        (tinySpec("learningRate: .nan"), "spec.yaml: base.learningRate: expected a finite number; found .nan"),
        (tinySpec("learningRate: 0.1", "learningRate: 0.2"),
         "spec.yaml: base.learningRate: given twice (line 6); give each field once"),
        (tinySpec("data: {name: synthetic, normalization: none}"),
         "spec.yaml: base.data.normalization: expected one of standardized, unit, symmetric; found text 'none'"),
    ])
    func runRefusesABadSpecBeforeStartingWorkers(spec: String, message: String) throws {
        let scratch = try Scratch()
        try scratch.write("spec.yaml", spec)
        let finished = try inceptionLab(["run", "spec.yaml", "--workers", "2", "--db", scratch.db], in: scratch.url)
        expectRefusal(finished, status: 1, message)
        #expect(!FileManager.default.fileExists(atPath: scratch.db), "runs were created: \(finished.output)")
    }

    @Test func aSpecPathThatIsADirectoryIsRefused() throws {
        let scratch = try Scratch()
        expectRefusal(try inceptionLab(["plan", scratch.url.path], in: scratch.url), status: 1,
                      "\(scratch.url.path): the file: is a directory; give the path of a spec file in it")
    }

    /// A shard whose spec moved an experiment's hypotheses is refused by `merge` (and named by `status`'s dry
    /// run): the database's runs were judged by the stored ones. The database keeps its spec and runs.
    @Test func mergeRefusesAShardWhoseSpecMovedTheHypotheses() throws {
        let scratch = try Scratch()
        let shard = scratch.url.appendingPathComponent("shard.sqlite").path
        for (path, margin, runs) in [(scratch.db, 10, 1...1), (shard, 5, 1...2)] {
            let store = try ResultsStore(path: path)
            let spec = "name: sweep\nhypotheses:\n  finding3: {margin: \(margin)}\n"
            let id = try store.experiment(named: "sweep", spec: spec, description: "a sweep")
            for index in runs {
                _ = try store.insertRun(NewRun(name: "run-\(index)", configJSON: "{}", seed: index, experimentID: id))
            }
        }
        let before = try ResultsReader(path: scratch.db).query("SELECT * FROM experiments, runs").rows
        expectRefusal(try inceptionLab(["merge", shard, "--into", scratch.db], in: scratch.url), status: 1,
                      "the shard's spec of experiment 'sweep' declares other hypotheses than the database's for "
                        + "finding3; hypotheses are fixed once runs start, so merge it into another --into or "
                        + "restore the stored ones")
        #expect(try ResultsReader(path: scratch.db).query("SELECT * FROM experiments, runs").rows == before)
    }

    /// A run that fails makes `run` exit 1 and say so last; the database keeps the reason. The failure: the
    /// checkpoint directory is a file, so the checkpoint at the end of training cannot be written.
    @Test(.timeLimit(.minutes(2)))
    func runExitsWithAnErrorWhenARunFailedAndTheDatabaseSaysWhy() throws {
        let scratch = try Scratch()
        try scratch.write("spec.yaml", tinySpec("data: {name: synthetic, validationCount: 64}", "batchSize: 8"))
        try scratch.write("checkpoints", "not a directory")
        let finished = try inceptionLab(["run", "spec.yaml", "--db", scratch.db, "--threads", "1"], in: scratch.url)
        expectRefusal(finished, status: 1, "1 failed")
        #expect(finished.lastLine == "1 run(s) failed (run 1): `inception-lab show ID --db \(scratch.db)` gives the "
                + "error; fix its cause, then run again with --retry-failed")
        let run = try ResultsReader(path: scratch.db).run(1).run
        #expect(run.status == .failed)
        #expect(run.error == "cannot create checkpoint file \(scratch.url.path)/checkpoints/\(run.runKey).safetensors: "
                + "check the directory's permissions and free space")
    }

    /// A process killed with SIGKILL leaves its run `running`; the next `train` on this host sees at once that the
    /// process is gone (no wait for the heartbeat to go stale). Its checkpoint deleted, `--resume` says it starts
    /// over and records a `restarted` event.
    @Test(.timeLimit(.minutes(2)))
    func resumeAfterADeadProcessAndADeletedCheckpointStartsOverAndSaysSo() throws {
        let scratch = try Scratch()
        let arguments = tinyTraining + ["--steps", "100000", "--batch", "8", "--log-every", "1",
                                        "--checkpoint-every", "2", "--eval-every", "100000", "--db", scratch.db]
        let first = try startInceptionLab(arguments)
        let checkpoints = scratch.url.appendingPathComponent("checkpoints")
        let deadline = Date().addingTimeInterval(60)
        while first.isRunning && Date() < deadline
            && (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path))?
                .contains(where: { $0.hasSuffix(".safetensors") }) != true {
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let run = try ResultsReader(path: scratch.db).run(1).run
        #expect(run.status == .running && run.step > 0)
        try FileManager.default.removeItem(at: checkpoints.appendingPathComponent("\(run.runKey).safetensors"))

        // The resumed run would train 100000 steps: stop it (SIGINT) once it has recorded how it starts. Its
        // output is buffered (a pipe) and comes at exit.
        let second = Process()
        second.executableURL = inceptionLabExecutable()
        second.arguments = arguments + ["--resume"]
        let pipe = Pipe()
        second.standardOutput = pipe
        second.standardError = FileHandle.nullDevice
        try second.run()
        func restarted() -> Bool {
            (try? ResultsReader(path: scratch.db).run(1).events.contains { $0.kind == "restarted" }) == true
        }
        while second.isRunning && !restarted() && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        kill(second.processIdentifier, SIGINT)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        second.waitUntilExit()
        #expect(second.terminationReason == .exit && second.terminationStatus == 0, "\(output)")
        #expect(output.contains("run 1 (\(run.name)): its owner, process \(first.processIdentifier) of this host"),
                "\(output)")
        #expect(output.contains("run 1: no checkpoint at \(checkpoints.path)/\(run.runKey).safetensors for the run's "
                                + "step \(run.step): starting over from step 0"), "\(output)")
        let events = try ResultsReader(path: scratch.db).run(1).events
        #expect(events.contains { $0.kind == "restarted" && $0.step == run.step })
        #expect(try ResultsReader(path: scratch.db).run(1).run.status == .killed)
    }

    /// A full disk: the checkpoint does not fit on a 2 MB filesystem. The run must end `failed` with the reason
    /// (not stay `running`) and leave no `.partial` file filling the disk. Needs root to mount a tmpfs.
    @Test(.timeLimit(.minutes(2)))
    func aFullDiskFailsTheRunCleanly() throws {
        let scratch = try Scratch()
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=2m", "tmpfs", scratch.url.path]
        mount.standardError = FileHandle.nullDevice
        do { try mount.run() } catch { print("skipped aFullDiskFailsTheRunCleanly: no /bin/mount (\(error))"); return }
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            print("skipped aFullDiskFailsTheRunCleanly: cannot mount a tmpfs here (needs root)")
            return
        }
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
            unmount.arguments = [scratch.url.path]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        // Width 0.125: 168k parameters, a checkpoint (weights and two RMSProp slots) of about 2 MB.
        var arguments = tinyTraining + ["--steps", "2", "--batch", "8", "--db", scratch.db]
        arguments[arguments.firstIndex(of: "0.0625")!] = "0.125"
        let finished = try inceptionLab(arguments, in: scratch.url)
        expectRefusal(finished, status: 1, "Error: cannot create checkpoint file \(scratch.url.path)/checkpoints/")
        expectRefusal(finished, status: 1, ".safetensors: check the directory's permissions and free space")
        let files = try FileManager.default.subpathsOfDirectory(atPath: scratch.url.path)
        #expect(!files.contains { $0.hasSuffix(".partial") }, "\(files)")
        let run = try ResultsReader(path: scratch.db).run(1).run
        #expect(run.status == .failed && run.error?.hasPrefix("cannot create checkpoint file") == true)
        let again = try inceptionLab(arguments, in: scratch.url)
        expectRefusal(again, status: 64, "run 1 with this configuration was failed; add --resume to continue it")
    }
}
