import Foundation
import Models
import ResultsStore
import RunContract
import Testing

/// `train` has no defaults of its own: an option not given leaves its field at `TrainingConfig`'s or
/// `ModelConfig`'s default, and one given sets exactly its field. Checked on the configuration the real executable
/// stores for a one-step run.
struct TrainOptionsTests {
    /// The configuration `train` stores for tinyTraining and one step with `options`, and what it should be:
    /// tinyTraining's settings, the data's shape (as stored), and every other field at its default.
    func stored(_ options: [String]) throws -> (stored: TrainingConfig, defaults: TrainingConfig) {
        let scratch = try Scratch()
        let finished = try inceptionLab(tinyTraining + ["--steps", "1", "--db", scratch.db] + options, in: scratch.url)
        #expect(finished.status == 0, "\(finished.output)")
        let rows = try ResultsReader(path: scratch.db).query("SELECT config_json FROM runs").rows
        let stored = try JSONDecoder().decode(TrainingConfig.self, from: Data(try #require(rows.first?[0].string).utf8))
        var expected = TrainingConfig(model: ModelConfig(
            model: .inceptionResNetV2Paper, width: 0.0625, repeats: Repeats(1, 1, 1), stem: stored.model.stem,
            inputSize: stored.model.inputSize, inputChannels: stored.model.inputChannels,
            classes: stored.model.classes))
        expected.data.name = "synthetic"
        expected.data.validationCount = 64
        expected.data.pad = stored.data.pad
        expected.budget = .steps(1)
        return (stored, expected)
    }

    @Test func everyOptionNotGivenKeepsTheConfigurationsDefault() throws {
        let (stored, defaults) = try stored([])
        #expect(stored == defaults)
    }

    @Test func anOptionGivenSetsExactlyItsField() throws {
        var (stored, expected) = try stored(["--lr", "0.01", "--flip", "--normalization", "unit", "--optimizer", "sgd",
                                             "--dropout-keep", "0.5", "--pre-pool-batch-norm"])
        expected.learningRate = 0.01
        expected.data.flip = true
        expected.data.normalization = .unit
        expected.optimizer = .sgd
        expected.model.dropoutKeep = 0.5
        expected.model.prePoolBatchNorm = true
        #expect(stored == expected)
        stored = try self.stored(["--no-flip"]).stored
        #expect(!stored.data.flip)
    }
}
