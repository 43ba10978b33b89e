import Engine
import Foundation
import Imaging
import Models

/// Single-crop classification of images with a network: timm's evaluation transform (`EvalTransform`), one
/// forward pass of the network compiled for inference (`InferenceNetwork`: BatchNorm on its moving statistics
/// folded into the convolutions, no dropout), then a softmax.
///
/// Threading: one caller at a time; the network keeps its activation arena between passes.
public final class ImageClassifier {
    /// The configuration of the classifying network.
    public let config: ModelConfig
    /// The network, compiled from the model when the classifier was made (later changes to the model's weights do
    /// not reach it).
    public let network: InferenceNetwork
    public let transform: EvalTransform
    /// Images per forward pass.
    public let batchSize: Int
    private let batch: Tensor

    /// A classifier over `model`, whose input must be square RGB (3 channels). Keeps no reference to `model`, so
    /// the caller can let its training-form weights go.
    public init(model: Model, cropFraction: Double, batchSize: Int = 8) throws(ImageError) {
        let config = model.config
        guard config.inputChannels == 3 else {
            throw .invalidParameter("Images are classified in RGB; the network takes \(config.inputChannels) "
                                    + "input channel(s), not 3.")
        }
        self.config = config
        network = InferenceNetwork(model.network)
        transform = try EvalTransform(inputSize: config.inputSize, cropFraction: cropFraction)
        self.batchSize = max(1, batchSize)
        batch = Tensor(shape: network.inputShape)
    }

    /// Class probabilities of `images` (one row of `classes` probabilities per image, in order), run through the
    /// network `batchSize` images at a time.
    public func probabilities(_ images: [RGBImage]) -> [[Float]] {
        stride(from: 0, to: images.count, by: batchSize).flatMap { start in
            let chunk = images[start..<min(start + batchSize, images.count)]
            let x = batch.view(batch: chunk.count)
            for (i, image) in chunk.enumerated() {
                let pixels = transform(image)
                (x.base + i * pixels.count).update(from: pixels, count: pixels.count)
            }
            let logits = network.forward(x).toArray()
            let k = config.classes
            return (0..<chunk.count).map { Self.softmax(logits[($0 * k)..<(($0 + 1) * k)]) }
        }
    }

    /// Reads the image files at `urls` and classifies them (see `probabilities(_:)`).
    public func probabilities(of urls: [URL]) throws(ImageError) -> [[Float]] {
        var images: [RGBImage] = []
        for url in urls { images.append(try RGBImage(contentsOf: url)) }
        return probabilities(images)
    }

    /// `exp(z − max z) / Σ exp(z − max z)`, summed in Double.
    static func softmax(_ logits: ArraySlice<Float>) -> [Float] {
        let top = logits.max() ?? 0
        let e = logits.map { Foundation.exp(Double($0 - top)) }
        let sum = e.reduce(0, +)
        return e.map { Float($0 / sum) }
    }

    /// The `k` most probable classes, most probable first (ties: lower index first).
    public static func top(_ k: Int, of probabilities: [Float]) -> [(index: Int, probability: Float)] {
        probabilities.enumerated()
            .sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
            .prefix(k).map { ($0.offset, $0.element) }
    }
}
