import ArgumentParser
import Foundation
import Models

/// `inception-lab models`: every network at full size (299×299×3, 1000 classes, paper stem) with its cost,
/// counted from the built layers.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the five networks at full size with their parameters and multiply-adds.",
        discussion: "Builds each network (weights included) to count it; about 1–2 s in all.")

    @Flag(help: "Print a JSON array of {name, parameters, macs, buildSeconds}.")
    var json = false

    /// One network's cost at full size.
    struct Entry: Codable {
        let name: String
        /// Trainable parameters.
        let parameters: Int
        /// Convolution and fully connected multiply-adds per 299×299 image.
        let macs: Int
        /// Wall-clock time to build the network (weights included), in seconds.
        let buildSeconds: Double
    }

    func run() throws {
        let entries = try ModelName.allCases.map { name in
            let clock = ContinuousClock()
            var model: Model?
            let time = try clock.measure { model = try Model(ModelConfig(model: name), seed: 0) }
            return Entry(name: name.rawValue, parameters: model!.parameterCount, macs: model!.macs,
                         buildSeconds: time.seconds)
        }
        if json {
            print(try jsonString(entries))
        } else {
            let width = entries.map(\.name.count).max()!
            print("model".padding(toLength: width, withPad: " ", startingAt: 0) + "    parameters      M MACs   build")
            for e in entries {
                print(e.name.padding(toLength: width, withPad: " ", startingAt: 0)
                      + leftPadded(grouped(e.parameters), 14) + leftPadded(millions(e.macs), 12)
                      + leftPadded(String(format: "%.2f s", e.buildSeconds), 8))
            }
            print("(299×299×3 input, 1000 classes, paper stem; MACs count convolutions and the classifier)")
        }
    }
}
