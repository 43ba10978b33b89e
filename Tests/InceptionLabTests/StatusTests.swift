import Foundation
import ResultsStore
import Testing

/// `status` times the unfinished runs as `plan` does, from the throughput the finished runs logged.
@Suite("status")
struct StatusTests {
    /// A scratch directory whose database holds one finished run (id 1, seed 1, 2 steps, one thread), of spec
    /// `a.yaml`, and that run's configuration JSON.
    func oneFinishedRun() throws -> (scratch: Scratch, config: String) {
        let scratch = try Scratch()
        try scratch.write("a.yaml", twoTinyRuns("a"))
        let finished = try inceptionLab(["run", "a.yaml", "--db", scratch.db, "--threads", "1"], in: scratch.url)
        #expect(finished.reason == .exit && finished.status == 0, "\(finished.output)")
        let config = try ResultsReader(path: scratch.db).query("SELECT config_json FROM runs WHERE id = 1").rows[0][0]
            .string!
        return (scratch, config)
    }

    @Test(.timeLimit(.minutes(2)))
    func timesQueuedRunsByTheFinishedOnesAndNamesThoseItCannot() throws {
        let (scratch, config) = try oneFinishedRun()

        // Seed 3 of the same network, queued; and one whose dataset is not on this machine.
        let store = try ResultsStore(path: scratch.db)
        for (seed, json) in [(3, config.replacingOccurrences(of: "\"seed\":1", with: "\"seed\":3")),
                             (4, config.replacingOccurrences(of: "\"seed\":1", with: "\"seed\":4")
                                .replacingOccurrences(of: "\"name\":\"synthetic\"",
                                                      with: "\"name\":\"mnist\",\"directory\":\"/nonexistent\""))] {
            #expect(json != config)
            _ = try store.insertRun(NewRun(name: "queued-\(seed)", configJSON: json, seed: seed, totalSteps: 2))
        }
        let status = try inceptionLab(["status", "--db", scratch.db], in: scratch.url)
        #expect(status.reason == .exit && status.status == 0, "\(status.output)")
        #expect(status.output.contains("all runs: 2 queued, 0 running, 2 finished"), "\(status.output)")
        #expect(status.output.contains("\n  a: 2 finished\n"), "\(status.output)")   // the queued ones are in none
        #expect(status.output.contains("time left for 1 unfinished run: about "), "\(status.output)")
        #expect(status.output.contains("no estimate for 1 more: ") && status.output.contains("/nonexistent"),
                "\(status.output)")
    }

    /// Queued runs are timed as the processes running now compute (they will take them), not by the mean over every
    /// setting the database has seen: here one run logged on another processor, a thousand times faster.
    @Test(.timeLimit(.minutes(2)))
    func timesQueuedRunsByTheSettingOfTheRunningOnes() throws {
        let (scratch, config) = try oneFinishedRun()
        let reader = try ResultsReader(path: scratch.db)
        let store = try ResultsStore(path: scratch.db)
        let here = try #require(try store.environment(run: 1)).setting
        let measured = try reader.query("SELECT max(value) FROM metrics WHERE name = 'images_per_second'")
            .rows[0][0].double!
        // Seed `seed` of the same network for `steps` steps, computing with `setting` (nil: queued).
        func add(seed: Int, steps: Int, setting: ComputeSetting?, imagesPerSecond: Double? = nil) throws {
            let json = config.replacingOccurrences(of: "\"seed\":1", with: "\"seed\":\(seed)")
                .replacingOccurrences(of: "\"steps\":2}", with: "\"steps\":\(steps)}")
            #expect(json.contains("\"steps\":\(steps)}"))
            let id = try store.insertRun(NewRun(name: "s\(seed)", configJSON: json, seed: seed, totalSteps: steps)).id
            guard let setting else { return }
            _ = try store.claimRun(id)
            try store.recordEnvironment(RunEnvironment(
                codeRevision: "test", host: "test", cpuModel: setting.processor, threads: setting.threads,
                blasConfig: setting.library, swiftVersion: "test", datasetChecksum: "test", commandLine: "test"),
                run: id)
            guard let imagesPerSecond else { return }
            let writer = try MetricWriter(store: store, run: id)
            try writer.append("images_per_second", step: 2, value: imagesPerSecond, wallTime: 1)
            try writer.flush()
            try store.finish(run: id, as: .finished)
        }
        try add(seed: 5, steps: 2, setting: ComputeSetting(processor: "another processor", library: here.library,
                                                           threads: here.threads),
                imagesPerSecond: 1000 * measured)
        try add(seed: 6, steps: 1_000_000, setting: here)   // running
        try add(seed: 7, steps: 1_000_000, setting: nil)    // queued: the running process's setting will take it

        let status = try inceptionLab(["status", "--db", scratch.db], in: scratch.url)
        #expect(status.reason == .exit && status.status == 0, "\(status.output)")
        // "ETA 3h12m" or "ETA 41m07s" in seconds.
        func seconds(after prefix: String) throws -> Double {
            let text = try #require(status.output.components(separatedBy: prefix).dropFirst().first)
                .prefix { !$0.isWhitespace }
            let parts = text.split(whereSeparator: \.isLetter).compactMap { Double($0) }
            return text.contains("h") ? parts[0] * 3600 + parts[1] * 60
                : text.contains("m") ? parts[0] * 60 + parts[1] : parts[0]
        }
        let running = try seconds(after: "ETA "), total = try seconds(after: "unfinished runs: about ")
        #expect(running > 600 && abs(total - 2 * running) <= 120, "\(status.output)")
    }
}

