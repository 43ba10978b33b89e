import ArgumentParser
import Engine
import Foundation
import Models

/// `inception-lab forward MODEL …`: builds a network and times inference forward passes on random images in one
/// of its two forms, reporting images/s and the process's peak resident memory (VmHWM).
struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Time forward passes of a network on random images and report images/s and peak memory.",
        discussion: """
            Example: inception-lab forward inception-resnet-v2 --batch 16 --threads 2 (full size, 299×299×3 \
            images), then the same with --form training to compare. Build with -c release. The first pass \
            allocates the activations; later passes show the steady state.
            """)

    /// Which form of the network runs the passes.
    enum Form: String, ExpressibleByArgument, CaseIterable {
        /// `InferenceNetwork`: BatchNorm folded, ReLU fused, one activation arena (what predict and evaluate run).
        case inference
        /// The training `Network` in inference mode (every activation buffer of its own, gradients allocatable).
        case training
    }

    @Argument(help: "The network.")
    var model: ModelName

    @OptionGroup var options: ModelOptions

    @Option(help: "Images per batch.")
    var batch: Int = 1

    @Option(help: "Number of forward passes.")
    var passes: Int = 2

    @OptionGroup(title: "Compute") var compute: ComputeOptions

    @Option(help: ArgumentHelp("inference (folded, what predict and evaluate run) or training (the training network "
                               + "in inference mode)."))
    var form: Form = .inference

    @Option(help: "Seed of the weights and the images.")
    var seed: UInt64 = 0

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard passes >= 1 else { throw ValidationError("--passes must be at least 1") }
    }

    func run() throws {
        try compute.apply()
        let clock = ContinuousClock()
        let config = try options.config(model: model)
        var forward: ((TensorView) -> TensorView)?
        var inputShape = config.inputShape, parameters = 0, macs = 0, arenaBytes: Int?
        let buildTime = try clock.measure {
            let model = try Model(config, seed: seed)
            (inputShape, parameters, macs) = (model.network.inputShape, model.parameterCount, model.macs)
            switch form {
            case .inference:   // the training form goes once compiled, as in predict and evaluate
                let network = InferenceNetwork(model.network)
                arenaBytes = network.activationBytes(batch: batch)
                forward = { network.forward($0) }
            case .training:
                forward = { model.network.forward($0, mode: .inference) }
            }
        }
        let afterBuild = ProcessMemory.read()

        let images = Tensor(shape: inputShape)
        let x = images.view(batch: batch)
        var rng = RandomGenerator(seed: seed, stream: 1)
        for i in 0..<x.count { x.base[i] = Float(rng.nextNormal()) }

        print("\(config.model)  width \(config.width)  input \(config.inputShape)  batch \(batch)  form \(form)  "
              + ComputeOptions.summary)
        print("parameters \(grouped(parameters)), \(millions(macs)) M MACs per image")
        print(String(format: "build: %.2f s, resident after build %@ MB", buildTime.seconds,
                     afterBuild.residentMB))
        if let arenaBytes { print("activation arena: \(arenaBytes >> 20) MB for the batch") }
        for pass in 1...passes {
            var logits: TensorView?
            let time = clock.measure { logits = forward!(x) }
            let finite = logits!.toArray().allSatisfy { $0.isFinite }
            let gmacs = Double(macs * batch) / time.seconds / 1e9
            print(String(format: "pass %d: %.3f s, %.2f images/s (%.1f GMAC/s)%@", pass, time.seconds,
                         Double(batch) / time.seconds, gmacs, finite ? "" : "  NON-FINITE LOGITS"))
        }
        print("peak resident memory (VmHWM): \(ProcessMemory.read().peakMB) MB")
    }
}
