import Foundation
import ResultsStore
import Testing

@Suite("A training process stopped, continued and interrupted")
struct StoppedProcessTests {
    /// Trains a tiny model on synthetic data in a child process and stops and continues it (SIGSTOP, SIGCONT)
    /// every few milliseconds for 40 cycles, as ^Z and `fg`, Slurm's suspend and resume, or a benchmark pausing the
    /// workers would: it trains on to the end and records every step.
    @Test(.timeLimit(.minutes(2)))
    func trainsOnToTheEnd() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stopped-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("lab.sqlite").path
        let process = try startInceptionLab([
            "train", "--dataset", "synthetic", "--model", "inception-resnet-v2-paper", "--width", "0.0625",
            "--repeats", "1,1,1", "--steps", "400", "--batch", "16", "--log-every", "10", "--eval-every", "400",
            "--checkpoint-every", "50", "--threads", "1", "--db", db])
        Thread.sleep(forTimeInterval: 3)
        for cycle in 0..<40 where process.isRunning {
            kill(process.processIdentifier, SIGSTOP)
            Thread.sleep(forTimeInterval: 0.005 * Double(1 + cycle % 7))
            kill(process.processIdentifier, SIGCONT)
            Thread.sleep(forTimeInterval: 0.005 * Double(1 + cycle % 5))
        }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let reader = try ResultsReader(path: db)
        #expect(try reader.run(1).run.status == .finished)
        #expect(try reader.metricSeries(run: 1, name: "train_loss").map(\.step) == Array(stride(from: 10, through: 400,
                                                                                                  by: 10)))
    }

    /// Trains on oneDNN with two threads and reads the training (main) thread's signal mask from /proc: SIGINT and
    /// SIGTERM are blocked there, so their handler never runs on a thread inside oneDNN's JIT GEMM, whose `rsp`
    /// may point into the heap (docs/engine.md, "Signals"); stopped by SIGINT, the run still ends `killed`. The
    /// child starts with no signal blocked (a test runs on a thread that blocks nearly all, which `Process` would
    /// pass on).
    @Test(.timeLimit(.minutes(2)))
    func noStopSignalIsHandledOnTheTrainingThread() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("masked-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("lab.sqlite").path
        let pid = try spawnWithNoSignalBlocked(inceptionLabExecutable().path, [
            "train", "--dataset", "synthetic", "--model", "inception-resnet-v2-paper", "--width", "0.0625",
            "--repeats", "1,1,1", "--steps", "100000", "--batch", "16", "--backend", "onednn", "--threads", "2",
            "--db", db])
        Thread.sleep(forTimeInterval: 3)
        let status = try String(contentsOfFile: "/proc/\(pid)/task/\(pid)/status", encoding: .utf8)
        let blocked = status.split(separator: "\n").first { $0.hasPrefix("SigBlk:") }
            .flatMap { UInt64($0.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
        for signal in [SIGINT, SIGTERM] { #expect(blocked & (1 << UInt64(signal - 1)) != 0, "signal \(signal)") }
        kill(pid, SIGINT)
        var exit: Int32 = 0
        waitpid(pid, &exit, 0)
        #expect(exit == 0, "wait status \(exit)")
        #expect(try ResultsReader(path: db).run(1).run.status == .killed)
    }

    /// A stop signal and then another, 50 ms apart (the runner polls for a stop every 200 ms): one of each kind,
    /// as a worker gets them when every process is sent SIGTERM and its runner forwards a SIGINT, still lets the
    /// run checkpoint and end `killed` (exit 0); the same signal twice, as Ctrl-C twice, ends the process at once
    /// (exit 130), its run left `running` for a later claim to resume from its last periodic checkpoint.
    @Test(.timeLimit(.minutes(2)), arguments: [(SIGTERM, SIGINT, true), (SIGINT, SIGINT, false)])
    func secondSignal(first: Int32, second: Int32, checkpoints: Bool) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("signals-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("lab.sqlite").path
        let pid = try spawnWithNoSignalBlocked(inceptionLabExecutable().path, [
            "train", "--dataset", "synthetic", "--model", "inception-resnet-v2-paper", "--width", "0.25",
            "--repeats", "1,1,1", "--steps", "100000", "--batch", "32", "--threads", "1", "--db", db])
        Thread.sleep(forTimeInterval: 3)
        kill(pid, first)
        Thread.sleep(forTimeInterval: 0.05)
        kill(pid, second)
        var exit: Int32 = 0
        waitpid(pid, &exit, 0)
        #expect(exit == (checkpoints ? 0 : 130 << 8), "wait status \(exit)")
        #expect(try ResultsReader(path: db).run(1).run.status == (checkpoints ? .killed : .running))
    }
}

/// Starts `program ARGUMENTS` with an empty signal mask and its output discarded; returns its process ID.
private func spawnWithNoSignalBlocked(_ program: String, _ arguments: [String]) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd in [STDOUT_FILENO, STDERR_FILENO] {
        posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
    }
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
    if result != 0 { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
    return pid
}
