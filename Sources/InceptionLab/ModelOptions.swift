import ArgumentParser
import Models

/// The options that choose one member of the model family (architecture.md §5), shared by every command that
/// builds a network. Every value is checked in `validate()`, so `config()` after parsing cannot fail.
struct ModelOptions: ParsableArguments {
    @Argument(help: "The network: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: String

    @Option(help: "Width multiplier α in (0, 1]; every channel count c becomes max(1, floor(c·α + 0.5)).")
    var width: Double = 1

    @Option(help: "Repeats of the A, B and C blocks as a,b,c (default: the published network's).")
    var repeats: String?

    @Option(help: "Stem: paper (the model's own, 299 → 35) or compact (3×3 convs, 32 → 15).")
    var stem: Stem = .paper

    @Option(help: "Side of the square input image in pixels.")
    var input: Int = 299

    @Option(help: "Channels of the input image.")
    var channels: Int = 3

    @Option(help: "Number of classes.")
    var classes: Int = 1000

    @Option(help: "Residual scales of the A, B and C stages as sA,sB,sC (default 0.17,0.10,0.20 for inception-resnet-v2, 1 for the other residual networks).")
    var scales: String?

    @Option(help: "Dropout keep probability before the classifier, in training.")
    var dropoutKeep: Double = 0.8

    @Option(help: "BatchNorm moving-average decay (TensorFlow uses 0.9997; 0.99 suits short CPU runs).")
    var batchNormDecay: Double = 0.99

    mutating func validate() throws {
        do {
            try config().validate()
        } catch let error as ModelError {
            throw ValidationError(error.description)
        }
    }

    /// The configuration the options describe (not yet validated).
    func config() throws -> ModelConfig {
        let repeats = try repeats.map { text in
            let n = try Self.list(text, of: Int.self, option: "--repeats", example: "4,7,3")
            return Repeats(n[0], n[1], n[2])
        }
        let scales = try scales.map { text in
            let s = try Self.list(text, of: Double.self, option: "--scales", example: "0.1,0.1,0.1")
            return ResidualScales(s[0], s[1], s[2])
        }
        return ModelConfig(model: try ModelName(parsing: model), width: width, repeats: repeats, stem: stem,
                           inputSize: input, inputChannels: channels, classes: classes, residualScales: scales,
                           dropoutKeep: dropoutKeep, batchNormDecay: batchNormDecay)
    }

    /// Three comma-separated numbers, or a `ValidationError` naming the option.
    private static func list<T: LosslessStringConvertible>(_ text: String, of: T.Type, option: String,
                                                            example: String) throws -> [T] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false)
            .compactMap { T(String($0).trimmingCharacters(in: .whitespaces)) }
        guard values.count == 3, text.split(separator: ",", omittingEmptySubsequences: false).count == 3 else {
            throw ValidationError("\(option) takes three comma-separated numbers for the A, B and C stages, "
                                  + "such as \(example); got '\(text)'")
        }
        return values
    }
}

extension Stem: ExpressibleByArgument {}
