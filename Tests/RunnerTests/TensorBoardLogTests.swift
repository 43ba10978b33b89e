import Foundation
import ResultsStore
import Runner
import TensorBoard
import Testing
import Training

/// Runs written as TensorBoard events: live while training (resumed runs included) and exported afterwards, read
/// back with every checksum checked.
struct TensorBoardLogTests {
    /// Every scalar of every event file under `directory`, as "tag step" → values (one per time it was written).
    private func scalars(in directory: URL) throws -> (values: [String: [Float]], files: Int, text: [String]) {
        var values: [String: [Float]] = [:], text: [String] = []
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        for file in files {
            let (events, truncated) = try EventFile.read(directory.appendingPathComponent(file))
            #expect(!truncated, "\(file)")
            for event in events {
                guard case .summary(let summary) = event.content else { continue }
                for value in summary {
                    switch value.value {
                    case .scalar(let number): values["\(value.tag) \(event.step)", default: []].append(number)
                    case .text(let markdown): text.append(markdown)
                    }
                }
            }
        }
        return (values, files.count, text)
    }

    /// The database's metrics of run `id` as "name step" → value, without the timings a resume measures again.
    private func metrics(run id: Int, path: String) throws -> [String: Float] {
        let timings: Set = ["step_time", "images_per_second"]
        return Dictionary(uniqueKeysWithValues: try ResultsReader(path: path).metrics(run: id)
            .filter { !timings.contains($0.name) }
            .map { ("\($0.name) \($0.point.step)", Float($0.point.value ?? .nan)) })
    }

    @Test func aRunKilledWithoutEventsThenResumedWithThemHasEveryMetricOnceAtItsStep() throws {
        let path = Fixture.databasePath()
        let logs = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("tb")
        let plan = try Fixture.plan(Fixture.spec(grid: "  seed: [1]"))
        let stop = StopFlag()
        let first = try Fixture.queue(plan, path: path)
        first.onProgress = { if $0.step == 4 { stop.set() } }
        let killed = try first.run(stop: stop)
        #expect(killed.map(\.status) == ["killed"])

        // The resumed attempt first writes steps 0–4 from the database, then 5–8 as it trains.
        let resumed = try Fixture.queue(plan, path: path, tensorBoard: logs).run(stop: StopFlag())
        #expect(resumed.map(\.status) == ["finished"])
        let run = try ResultsReader(path: path).run(killed[0].run.id).run
        let directory = logs.appendingPathComponent(run.name)
        let written = try scalars(in: directory)
        #expect(written.values.values.allSatisfy { $0.count == 1 }, "a step written twice")
        let expected = try metrics(run: run.id, path: path)
        #expect(expected.keys.contains("val_top1_error 8") && expected.keys.contains("train_loss 2"))
        for (key, value) in expected {
            #expect(written.values[key]?.first?.bitPattern == value.bitPattern, "\(key)")
        }
        let timingKeys = written.values.keys.filter { $0.hasPrefix("step_time ") || $0.hasPrefix("images_per_second ") }
        #expect(Set(written.values.keys) == Set(expected.keys).union(timingKeys))
        #expect(written.text.count == 1 && written.text[0].contains(run.runKey))

        // Exporting again adds nothing (and no file); another run's export refuses the directory.
        let reader = try ResultsReader(path: path)
        #expect(try RunEventLog.open(run: run, directory: directory, reader: reader).addedCount == 0)
        #expect(try scalars(in: directory).files == written.files)
        var other = run
        other.runKey = "0000000000000000"
        #expect(throws: EventFileError.self) { try RunEventLog.open(run: other, directory: directory, reader: reader) }
    }
}
