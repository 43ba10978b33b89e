import ArgumentParser
import Foundation
import Models
import Pretrained
import RunContract
import Training

/// `inception-lab export CHECKPOINT --out FILE`: writes the weights of a training checkpoint as a timm state dict.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a training checkpoint's weights under timm's names and layouts, for timm to load.",
        discussion: """
            The checkpoint's network must be one timm has: inception-v4 or inception-resnet-v2 at width 1 with the \
            paper stem and the published repeats (and residual scales); learned residual scales (LayerScale, \
            ReZero) are folded into each block's last convolution, which computes the same function. Load the \
            result in Python with \
            timm.create_model(NAME, num_classes=K, in_chans=C).load_state_dict(safetensors.torch.load_file(FILE)); \
            the command prints NAME, K and C. Checkpoints live in results/checkpoints/<run key>.safetensors.
            """)

    @Argument(help: "A training checkpoint written by `train` or `run`.")
    var checkpoint: String

    @Option(help: "The safetensors file to write.")
    var out: String

    func run() throws {
        let url = URL(fileURLWithPath: checkpoint)
        let saved = try Checkpoint.read(from: url)
        guard let json = saved.metadata["config"],
              let config = try? JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8)) else {
            throw ValidationError("\(checkpoint) holds no training configuration in its metadata: it is not a "
                                  + "checkpoint written by inception-lab's train or run")
        }
        let weights = try TimmWeights(for: config.model.withFixedScales)
        let model = try Model(config.model, seed: 0)
        try saved.restore(model.network.namedParameters, file: checkpoint)
        try weights.export(model.foldingLearnedScales(), to: URL(fileURLWithPath: out))
        print("wrote \(out): timm.create_model('\(weights.timmModel)', num_classes=\(config.model.classes), "
              + "in_chans=\(config.model.inputChannels)) loads it (step \(saved.metadata["step"] ?? "?") of the run)")
    }
}
