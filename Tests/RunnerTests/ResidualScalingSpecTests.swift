import Foundation
import ResultsStore
import RunContract
import Runner
import Testing

/// The residual-scaling fields of the run configuration in specs, and the identity of the runs recorded before
/// they existed.
@Suite("Residual-scaling fields in specs")
struct ResidualScalingSpecTests {
    static let database = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("results/lab.sqlite").path

    /// Every run of the committed database decodes to a configuration whose canonical JSON is the stored text,
    /// byte for byte, so its run key (the hash of that text and the seed) is unchanged.
    @Test func storedRunsKeepTheirCanonicalJSONAndRunKeys() throws {
        let table = try ResultsReader(path: Self.database).query("SELECT run_key, config_json, seed FROM runs")
        #expect(table.rows.count >= 40)
        for row in table.rows {
            let stored = try #require(row[1].string), seed = try #require(row[2].int)
            let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(stored.utf8))
            #expect(config.canonicalJSON == stored)
            #expect(NewRun(name: "", configJSON: config.canonicalJSON, seed: seed).runKey == row[0].string)
        }
    }

    @Test func gridAndRunsSetTheNewFields() throws {
        let plan = try Fixture.plan(Fixture.spec(
            grid: "  seed: [1]",
            extra: """
                runs:
                  - {model: {residualScaleMode: fixed}}
                  - {model: {residualScaleMode: rezero}}
                  - {model: {residualScaleMode: layerscale, residualScaleInit: 0.1}}
                  - {model: {residualScales: [1, 1, 1], residualBranchInitScale: 0.2, residualBranchLearningRateMultiplier: 0.2}}
                  - {model: {prePoolBatchNorm: true}}
                """))
        #expect(plan.runs.map(\.name) == [
            "inception-resnet-v2-paper-w0.0625-s1",
            "inception-resnet-v2-paper-w0.0625-s1-residualScaleMode=rezero",
            "inception-resnet-v2-paper-w0.0625-s1-residualScaleInit=0.1-residualScaleMode=layerscale",
            "inception-resnet-v2-paper-w0.0625-s1-residualBranchInitScale=0.2-residualBranchLearningRateMultiplier=0.2-"
                + "residualScales=1,1,1",
            "inception-resnet-v2-paper-w0.0625-s1-prePoolBatchNorm=true",
        ])
        // The default written out (residualScaleMode: fixed) is the same run as the default left out: kept once.
        let models = plan.runs.map(\.config.model)
        #expect(!plan.runs[0].config.canonicalJSON.contains("residualScaleMode"))
        #expect(models[1].residualScaleMode == .rezero && models[1].residualScaleInit == 0)
        #expect(plan.runs[1].config.canonicalJSON.contains(#""residualScaleInit":0,"residualScaleMode":"rezero""#))
        #expect(models[2].residualScaleMode == .layerscale && models[2].residualScaleInit == 0.1)
        #expect(models[3].residualBranchInitScale == 0.2 && models[3].residualBranchLearningRateMultiplier == 0.2)
        #expect(models[4].prePoolBatchNorm)
    }

    @Test(arguments: [
        ("  model.residualScaleMode: [sometimes]", "grid.model.residualScaleMode[0]",
         "expected one of fixed, layerscale, rezero"),
        ("  model.model: [inception-v4]\n  model.residualScaleMode: [rezero]",
         "grid point model.model=inception-v4, model.residualScaleMode=rezero",
         "model.residualScaleMode (--residual-scale-mode) applies to residual blocks and inception-v4 has none"),
        ("  model.residualBranchLearningRateMultiplier: [-1]",
         "grid point model.residualBranchLearningRateMultiplier=-1",
         "model.residualBranchLearningRateMultiplier (--residual-branch-learning-rate-multiplier) is -1.0; expected"),
    ])
    func refusals(grid: String, location: String, problem: String) {
        #expect {
            _ = try Fixture.plan(Fixture.spec(grid: grid).replacingOccurrences(of: ", residualScales: [0.2, 0.2, 0.2]",
                                                                               with: ""))
        } throws: { error in
            guard let error = error as? SpecError else { return false }
            if error.location != location || !error.problem.contains(problem) { print("got: \(error)") }
            return error.location == location && error.problem.contains(problem)
        }
    }
}
