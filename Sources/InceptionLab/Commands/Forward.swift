import ArgumentParser
import Engine
import Foundation
import Models

/// `inception-lab forward MODEL …`: builds a network and times inference forward passes on random images,
/// reporting the process's peak resident memory (VmHWM).
struct Forward: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time forward passes of a network on random images and report peak memory.",
        discussion: """
            Example: inception-lab forward inception-resnet-v2 (full size, one 299×299×3 image). Build with \
            -c release. The first pass allocates the activations; later passes show the steady state.
            """)

    @Argument(help: "The network: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: String

    @OptionGroup var options: ModelOptions

    @Option(help: "Images per batch.")
    var batch: Int = 1

    @Option(help: "Number of forward passes.")
    var passes: Int = 2

    @OptionGroup(title: "Compute") var compute: ComputeOptions

    @Option(help: "Seed of the weights and the images.")
    var seed: UInt64 = 0

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard passes >= 1 else { throw ValidationError("--passes must be at least 1") }
    }

    func run() throws {
        compute.apply()
        let clock = ContinuousClock()
        let config = try options.config(model: model)
        var built: Model?
        let buildTime = try clock.measure { built = try Model(config, seed: seed) }
        let model = built!
        let afterBuild = ProcessMemory.read()

        let images = Tensor(shape: model.network.inputShape)
        let x = images.view(batch: batch)
        var rng = RandomGenerator(seed: seed, stream: 1)
        for i in 0..<x.count { x.base[i] = Float(rng.nextNormal()) }

        print("\(config.model)  width \(config.width)  input \(config.inputShape)  batch \(batch)  "
              + ComputeOptions.summary)
        print("parameters \(grouped(model.parameterCount)), \(millions(model.macs)) M MACs per image")
        print(String(format: "build: %.2f s, resident after build %@ MB", buildTime.seconds,
                     afterBuild.residentMB))
        for pass in 1...passes {
            var logits: TensorView?
            let time = clock.measure { logits = model.network.forward(x, mode: .inference) }
            let finite = logits!.toArray().allSatisfy { $0.isFinite }
            let gmacs = Double(model.macs * batch) / time.seconds / 1e9
            print(String(format: "pass %d: %.3f s (%.1f GMAC/s)%@", pass, time.seconds, gmacs,
                         finite ? "" : "  NON-FINITE LOGITS"))
        }
        print("peak resident memory (VmHWM): \(ProcessMemory.read().peakMB) MB")
    }
}
