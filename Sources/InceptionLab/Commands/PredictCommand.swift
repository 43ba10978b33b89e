import ArgumentParser
import Foundation
import Pretrained

/// `inception-lab predict --model M --weights FILE IMAGE…`: the most probable classes of each image.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify JPEG or PNG images with published (timm) weights and print the top classes.",
        discussion: """
            Preprocessing is timm's for these models: the shorter side resized to input/crop with Pillow's bicubic \
            filter, a center crop, values scaled to [-1, 1]. Example: inception-lab predict --model inception-v4 \
            --weights inception_v4.safetensors cat.jpg
            """)

    @OptionGroup var options: ClassifierOptions

    @Option(help: "Classes to print per image.")
    var top = 5

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Argument(help: "JPEG or PNG image files.")
    var images: [String]

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image file") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    }

    struct Prediction: Encodable {
        let image: String
        let top: [Guess]
    }

    struct Guess: Encodable {
        let index: Int
        let synset: String?
        let name: String
        let probability: Float
    }

    func run() throws {
        let classifier = try options.classifier()
        let classes = classifier.config.classes
        let probabilities = try classifier.probabilities(of: images.map { URL(fileURLWithPath: $0) })
        let predictions = zip(images, probabilities).map { image, p in
            Prediction(image: image, top: ImageClassifier.top(min(top, classes), of: p).map { index, probability in
                let label = ClassifierOptions.label(index, classes: classes)
                return Guess(index: index, synset: label.synset, name: label.name, probability: probability)
            })
        }
        if json {
            print(try jsonString(predictions))
            return
        }
        for prediction in predictions {
            print(prediction.image)
            for (rank, guess) in prediction.top.enumerated() {
                print("  \(rank + 1). " + String(format: "%6.2f %%", 100 * guess.probability)
                      + "  \(leftPadded(String(guess.index), 4))  \(guess.synset.map { $0 + "  " } ?? "")\(guess.name)")
            }
        }
    }
}
