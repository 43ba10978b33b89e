import Foundation
import ResultsStore
import Testing

@Suite("A training process stopped with SIGSTOP")
struct StoppedProcessTests {
    /// Trains a tiny model on synthetic data in a child process and stops it for `pause` seconds (up to three
    /// times, until a stop falls inside a step: nearly all of the process's time is steps), then ends it with
    /// SIGINT. The step the stop fell in is logged as `paused`, and the training time of its logging interval
    /// leaves the stop out.
    @Test(.timeLimit(.minutes(2)))
    func leavesTheStopOutOfTheTrainingTime() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stopped-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("lab.sqlite").path
        let logEvery = 10, pause = 4.0
        let process = try startInceptionLab([
            "train", "--dataset", "synthetic", "--model", "inception-resnet-v2-paper", "--width", "0.0625",
            "--repeats", "1,1,1", "--steps", "100000", "--batch", "16", "--log-every", "\(logEvery)",
            "--eval-every", "100000", "--checkpoint-every", "100000", "--threads", "1", "--db", db])
        var paused: [RunEvent] = []
        for _ in 0..<3 where paused.isEmpty {
            let logged = loggedStep(in: db, after: 0, while: process, seconds: 60)
            #expect(process.isRunning && logged > 0, "the training process ended or logged nothing")
            kill(process.processIdentifier, SIGSTOP)
            Thread.sleep(forTimeInterval: pause)
            kill(process.processIdentifier, SIGCONT)
            _ = loggedStep(in: db, after: logged + logEvery, while: process, seconds: 60)
            paused = try ResultsReader(path: db).run(1).events.filter { $0.kind == "paused" }
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()

        let step = try #require(paused.first?.step)
        #expect(paused.first?.message.contains("counts as the last uninterrupted step's") == true)
        let losses = try ResultsReader(path: db).metricSeries(run: 1, name: "train_loss")
        let end = try #require(losses.first { $0.step >= step }), start = losses.last { $0.step < step }
        #expect(end.wallTime - (start?.wallTime ?? 0) < pause, "the stop counted as training time")
    }

    /// The last step with a `train_loss` in the database at `db` once it is past `step`, polled every 0.1 s
    /// until then, until `process` ends or `seconds` pass.
    private func loggedStep(in db: String, after step: Int, while process: Process, seconds: Double) -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        var logged = 0
        while logged <= step && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            guard FileManager.default.fileExists(atPath: db), let reader = try? ResultsReader(path: db),
                  let table = try? reader.query("SELECT max(step) FROM metrics WHERE name = 'train_loss'")
            else { continue }
            logged = table.rows.first?.first?.int ?? 0
        }
        return logged
    }
}
