import ArgumentParser
import Engine
import Foundation
import Models
import Pretrained

/// The options of the commands that classify images with published weights (`predict`, `evaluate`).
struct ClassifierOptions: ParsableArguments {
    @Option(help: "The network: inception-v4 or inception-resnet-v2 (the networks timm ships weights for).")
    var model: ModelName

    @OptionGroup(title: "Model") var modelOptions: ModelOptions

    @Option(help: ArgumentHelp("A timm state dict as safetensors (model.safetensors of timm/inception_v4.tf_in1k "
                               + "or timm/inception_resnet_v2.tf_in1k on the Hugging Face hub), or a file written by "
                               + "`export`."))
    var weights: String

    @Option(help: ArgumentHelp("Fraction of the resized image's shorter side kept by the center crop, in (0, 1]. "
                               + "Default: timm's for the weights (0.875 for inception-v4, 0.8975 for "
                               + "inception-resnet-v2)."))
    var crop: Double?

    @Option(help: "Images per forward pass.")
    var batch = 8

    @OptionGroup(title: "Compute") var compute: ComputeOptions

    func validate() throws {
        if let crop, !(crop > 0 && crop <= 1) { throw ValidationError("--crop must be in (0, 1], not \(crop)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    }

    /// The network with the weights loaded, wrapped for classification.
    func classifier() throws -> ImageClassifier {
        try compute.apply()
        let model = try Model(try modelOptions.config(model: self.model), seed: 0)
        let timm = try TimmWeights(for: model.config)
        try timm.load(from: URL(fileURLWithPath: weights), into: model)
        return try ImageClassifier(model: model, cropFraction: crop ?? timm.cropFraction, batchSize: batch)
    }

    /// `synset name` of an ImageNet class, or the bare index for a network with other classes.
    static func label(_ index: Int, classes: Int) -> (synset: String?, name: String) {
        guard classes == ImageNetClasses.all.count else { return (nil, "class \(index)") }
        let c = ImageNetClasses.all[index]
        return (c.synset, c.name)
    }
}
