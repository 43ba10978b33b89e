import Datasets
import Foundation
import ResultsStore
import Runner

/// Small synthetic data (16×16×1, 4 classes) standing in for `data.name: synthetic`, and spec helpers.
enum Fixture {
    static let dataset: LoadedDataset = {
        let synthetic = SyntheticDataset(trainCount: 400, testCount: 64, height: 16, width: 16, channels: 1,
                                         classCount: 4, noise: 0.3, seed: 3)
        return try! DatasetSpec.synthetic(synthetic).load()
    }()

    static func datasets() -> DatasetProvider { DatasetProvider(substitutes: ["synthetic": dataset]) }

    /// A spec of tiny runs: inception-resnet-v2-paper at width 0.0625, one block per stage, 8 steps of 16 images,
    /// with `grid` (YAML lines under `grid:`) and `extra` top-level YAML appended.
    static func spec(grid: String = "  seed: [1, 2]", extra: String = "") -> String {
        """
        name: test
        description: tiny runs
        base:
          model: {model: inception-resnet-v2-paper, width: 0.0625, repeats: [1, 1, 1], residualScales: [0.2, 0.2, 0.2]}
          data: {name: synthetic, validationCount: 64}
          batchSize: 16
          budget: {steps: 8}
          learningRate: 0.01
          logEvery: 2
          evaluateEvery: 4
          checkpointEvery: 3
        grid:
        \(grid)
        \(extra)
        """
    }

    static func plan(_ yaml: String) throws -> ExperimentPlan {
        try ExperimentPlan(spec: try ExperimentSpec(yaml: yaml, file: "test.yaml"), datasets: datasets())
    }

    /// A fresh database path in its own temporary directory (checkpoints go next to it).
    static func databasePath() -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("runner-tests-\(UUID().uuidString)")
        return directory.appendingPathComponent("lab.sqlite").path
    }

    /// A queue over `plan`'s experiment, inserted into the database at `path`, writing TensorBoard events under
    /// `tensorBoard` if given.
    static func queue(_ plan: ExperimentPlan, path: String, owner: String = "test", tensorBoard: URL? = nil) throws
        -> RunQueue {
        let store = try ResultsStore(path: path, owner: owner)
        let (id, _) = try plan.insert(into: store)
        return RunQueue(store: store, experimentID: id, experimentName: plan.spec.name,
                        checkpointDirectory: RunExecutor.checkpointDirectory(forDatabase: path), datasets: datasets(),
                        tensorBoard: tensorBoard)
    }

    /// Every recorded metric except timings, as (run key, name, step) → value.
    static func deterministicMetrics(path: String) throws -> [String: Double] {
        let rows = try ResultsReader(path: path).query("""
            SELECT r.run_key, m.name, m.step, m.value FROM metrics AS m JOIN runs AS r ON r.id = m.run_id
            WHERE m.name NOT IN ('step_time', 'images_per_second')
            """).rows
        return Dictionary(uniqueKeysWithValues: rows.map {
            ("\($0[0].string!) \($0[1].string!) \($0[2].int!)", $0[3].double ?? .nan)
        })
    }

    /// Status of every run, by run key.
    static func statuses(path: String) throws -> [String: String] {
        let rows = try ResultsReader(path: path).query("SELECT run_key, status FROM runs").rows
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0].string!, $0[1].string!) })
    }
}
