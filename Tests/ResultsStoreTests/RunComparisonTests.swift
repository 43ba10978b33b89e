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
            #expect(throws: StoreError.self) { try ResultsReader(path: store.path).compare([ids[0], 99]) }
        }
    }
}
