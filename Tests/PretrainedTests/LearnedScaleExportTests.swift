import Engine
import Foundation
import Models
import Pretrained
import Testing

/// Export of a network with learned residual scales: timm's network has fixed scales, so the learned ones are
/// folded into each block's expansion first (`Model.foldingLearnedScales()`, as `inception-lab export` does).
struct LearnedScaleExportTests {
    /// LayerScale (ReZero folds the same way; ModelsTests checks both on a small network): the folded network's
    /// state dict has exactly timm's names and shapes, and it computes what the learned network does.
    @Test func foldedExportIsTimmsNetworkWithTheSameOutputs() throws {
        var config = ModelConfig(model: .inceptionResNetV2, inputSize: 75)
        config.residualScaleMode = .layerscale
        config.residualScaleInit = 0.5
        let learned = try Model(config, seed: 1)
        var rng = RandomGenerator(seed: 4)
        for gamma in learned.learnedScales.joined() {   // as if trained
            for i in gamma.value.indices { gamma.value[i] = 0.5 + Float(rng.nextNormal()) * 0.3 }
        }
        #expect((try? TimmWeights(for: config)) == nil, "timm has no learned scales: they must be folded first")

        let folded = learned.foldingLearnedScales()
        let weights = try TimmWeights(for: folded.config)
        let ours = weights.stateDict(of: folded).tensors.map { name, t in
            "\(name) \(t.shape) \(t.dtype == .f32 ? "float32" : "int64")"
        }.sorted()
        #expect(ours == (try TimmWeightsTests.timmKeys(weights.timmModel)))

        let images = Tensor(shape: learned.network.inputShape, batch: 1,
                            values: (0..<(75 * 75 * 3)).map { _ in Float(rng.nextNormal()) })
        let x = images.view(batch: 1)
        let expected = learned.network.forward(x, mode: .inference).toArray()
        let exported = folded.network.forward(x, mode: .inference).toArray()
        let largest = expected.map { abs($0) }.max()!
        #expect(zip(expected, exported).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, largest) })
    }

    @Test func unfoldedLearnedScalesAreRefusedNamingTheSetting() {
        var config = ModelConfig(model: .inceptionResNetV2)
        config.residualScaleMode = .rezero
        var message = "accepted"
        do { _ = try TimmWeights(for: config) } catch { message = error.description }
        #expect(message.hasPrefix("timm's inception_resnet_v2 has residual scale mode fixed, this model rezero"),
                "\(message)")
    }
}
