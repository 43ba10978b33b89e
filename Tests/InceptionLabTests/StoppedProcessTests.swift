import Foundation
import ResultsStore
import Testing

@Suite("A training process stopped and continued")
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
}
