import Testing
@testable import ResultsStore

@Suite struct RunComparisonTests {
    @Test func showsOnlyDifferingConfigPathsAndFinalMetricsSideBySide() throws {
        try withStore { store in
            let ids = try [
                #"{"lr":0.045,"model":{"name":"inception-v4","width":0.5},"stages":[1,2],"tag":"a"}"#,
                #"{"lr":0.045,"model":{"name":"inception-v4","width":1},"stages":[1,3]}"#,
            ].enumerated().map { try store.insertRun(NewRun(name: "r\($0)", configJSON: $1, seed: 0)).id }
            _ = try store.claimRun(ids[0])
            let writer = try MetricWriter(store: store, run: ids[0])
            try writer.append("train_loss", step: 1, value: 2, wallTime: 1)
            try writer.append("train_loss", step: 2, value: 1.5, wallTime: 2)
            try writer.flush()

            let comparison = try ResultsReader(path: store.path).compare(ids)
            let labels = ids.map { "run \($0)" }
            #expect(comparison.configDifferences == ResultTable(columns: ["path"] + labels, rows: [
                [.text("model.width"), .real(0.5), .integer(1)],
                [.text("stages[1]"), .integer(2), .integer(3)],
                [.text("tag"), .text("a"), .null],
            ]))
            #expect(comparison.finalMetrics == ResultTable(columns: ["metric"] + labels, rows: [
                [.text("train_loss"), .real(1.5), .null],
            ]))
            #expect(comparison.settingsDiffer)   // neither recorded an environment
            #expect(throws: StoreError.self) { try ResultsReader(path: store.path).compare([ids[0], 99]) }
        }
    }

    /// The compute settings sit side by side, and a difference, or a run resumed elsewhere, is flagged: their
    /// times do not compare.
    @Test func computeSettingsAreShownAndADifferenceFlagged() throws {
        try withStore { store in
            let ids = try (0..<3).map { try store.insertRun(NewRun(name: "r\($0)", configJSON: "{}", seed: $0)).id }
            func record(_ id: Int, processor: String, extra: String = "{}") throws {
                try store.recordEnvironment(RunEnvironment(
                    codeRevision: "abc", host: "h", cpuModel: processor, threads: 1, blasConfig: "oneDNN",
                    swiftVersion: "6.3", datasetChecksum: "", commandLine: "", extraJSON: extra), run: id)
            }
            try record(ids[0], processor: "AMD EPYC (family 25, model 17)")
            try record(ids[1], processor: "AMD EPYC (family 25, model 17)")
            try record(ids[2], processor: "AMD EPYC (family 26, model 2)")
            let reader = try ResultsReader(path: store.path)
            let same = try reader.compare([ids[0], ids[1]])
            #expect(!same.settingsDiffer)
            #expect(same.computeSettings.rows.map { $0[0] } == ["processor", "library", "threads", "earlier settings"]
                .map(SQLValue.text))
            #expect(same.computeSettings.rows[0] == [.text("processor"), .text("AMD EPYC (family 25, model 17)"),
                                                     .text("AMD EPYC (family 25, model 17)")])
            #expect(try reader.compare([ids[0], ids[2]]).settingsDiffer)

            try record(ids[1], processor: "AMD EPYC (family 25, model 17)",
                       extra: #"{"earlier_settings": ["AMD EPYC (family 26, model 2), oneDNN, 1 thread"]}"#)
            let resumed = try reader.compare([ids[0], ids[1]])
            #expect(resumed.settingsDiffer)
            #expect(resumed.computeSettings.rows[3] == [.text("earlier settings"), .null,
                                                        .text("AMD EPYC (family 26, model 2), oneDNN, 1 thread")])
        }
    }
}
