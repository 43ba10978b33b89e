import Foundation
@testable import ResultsStore

/// Runs `body` with a fresh directory under the system temporary directory, removed afterwards.
func withTemporaryDirectory<Result>(_ body: (URL) throws -> Result) throws -> Result {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("ResultsStoreTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// Runs `body` with a new, migrated store in a temporary directory.
func withStore<Result>(_ body: (ResultsStore) throws -> Result) throws -> Result {
    try withTemporaryDirectory { directory in
        try body(ResultsStore(path: directory.appendingPathComponent("lab.sqlite").path))
    }
}

/// A run of a small configuration; `index` makes configurations distinct.
func sampleRun(_ index: Int, seed: Int = 0, model: String = "inception-v4", experimentID: Int? = nil) -> NewRun {
    NewRun(name: "run-\(index)",
           configJSON: #"{"index":\#(index),"lr":0.045,"model":{"model":"\#(model)","width":0.125}}"#, seed: seed,
           experimentID: experimentID, totalSteps: 100)
}

/// Queues `count` distinct runs and returns their ids.
func queueRuns(_ store: ResultsStore, count: Int, experimentID: Int? = nil) throws -> [Int] {
    try (0..<count).map { try store.insertRun(sampleRun($0, experimentID: experimentID)).id }
}
