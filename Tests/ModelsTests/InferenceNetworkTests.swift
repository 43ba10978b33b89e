import Engine
import Models
import Testing

/// The network compiled for inference (`InferenceNetwork`: BatchNorm folded into the convolutions, ReLU fused,
/// residual scales folded, one activation arena) computes what the training network computes in inference mode.
@Suite("Inference form of every model")
struct InferenceNetworkTests {
    /// Moves every BatchNorm's γ, β and moving statistics and every learned residual scale off its initial value,
    /// so that folding them is tested (at their initial values BatchNorm is nearly the identity and γ is 0 or 1).
    static func perturb(_ model: Model, seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        for (name, p) in model.network.namedParameters {
            let u = { Float(rng.nextUniform()) }, g = { Float(rng.nextNormal()) }
            switch name.split(separator: ".").last! {
            case "moving_mean", "beta": for i in 0..<p.count { p.value[i] = 0.1 * g() }
            case "moving_variance": for i in 0..<p.count { p.value[i] = 0.5 + u() }
            case "gamma": for i in 0..<p.count { p.value[i] = 0.5 + u() }   // BatchNorm γ and the learned scales
            case "bias": for i in 0..<p.count { p.value[i] = 0.1 * g() }
            default: break
            }
        }
    }

    /// The largest |a − b| over the logits, relative to the largest |a| (at least 1).
    static func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
        let scale = max(1, a.map(abs).max()!)
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    /// Logits of the training network in inference mode and of the compiled network on the same random images,
    /// for batch sizes 3 then 1 (the arena is reused at the smaller batch).
    static func logits(_ model: Model, seed: UInt64) -> [(training: [Float], inference: [Float])] {
        let compiled = InferenceNetwork(model.network)
        var rng = RandomGenerator(seed: seed, stream: 1)
        return [3, 1].map { batch in
            let images = Tensor(shape: model.network.inputShape, batch: batch,
                                values: (0..<(batch * model.network.inputShape.count))
                                    .map { _ in Float(rng.nextNormal()) })
            let x = images.view(batch: batch)
            let training = model.network.forward(x, mode: .inference).toArray()
            return (training, compiled.forward(x).toArray())
        }
    }

    /// The training network's inference-mode logits against the compiled form's, on every backend (oneDNN's
    /// convolution primitives take the compiled form's fused bias and ReLU as post-ops; OpenBLAS, our epilogue).
    static func expectSameLogits(_ config: ModelConfig, tolerance: Float = 1e-4) throws {
        let model = try Model(config, seed: 11)
        perturb(model, seed: 12)
        for backend in Backend.allCases {
            for (training, inference) in Backend.withBackend(backend, { logits(model, seed: 13) }) {
                #expect(training.count == inference.count)
                #expect(Set(training).count > 1,
                        "the logits must not be constant for the comparison to mean anything")
                let difference = relativeDifference(training, inference)
                #expect(difference < tolerance,
                        "\(config.model) \(config.stem) on \(backend): relative difference \(difference)")
            }
        }
    }

    @Test("every family, both stems, with the extra pre-pool BatchNorm",
          arguments: ModelName.allCases, [Stem.compact, .paper])
    func family(model: ModelName, stem: Stem) throws {
        var config = ModelConfig(model: model, width: 0.125, repeats: Repeats(1, 1, 1), stem: stem,
                                 inputSize: stem == .paper ? 75 : 32, inputChannels: 3, classes: 7)
        config.residualScales = model.isResidual ? ResidualScales(0.1, 0.2, 0.3) : config.residualScales
        try Self.expectSameLogits(config)
        if !model.prePoolLayerHasBatchNorm {
            config.prePoolBatchNorm = true
            try Self.expectSameLogits(config)
        }
    }

    @Test("learned residual scales", arguments: [ResidualScaleMode.layerscale, .rezero])
    func learnedScales(mode: ResidualScaleMode) throws {
        for model in ModelName.allCases where model.isResidual {
            var config = ModelConfig(model: model, width: 0.125, repeats: Repeats(1, 2, 1), stem: .compact,
                                     inputSize: 32, inputChannels: 1, classes: 5)
            config.residualScales = ResidualScales(0.3, 0.3, 0.3)
            config.residualScaleMode = mode
            config.residualScaleInit = 0.5   // perturb() moves γ anyway
            try Self.expectSameLogits(config)
        }
    }

    /// Full size at the paper's 299×299 input, one image (the debug build runs the kernels optimised).
    @Test("full-size inception-v4 and inception-resnet-v2", arguments: [ModelName.inceptionV4, .inceptionResNetV2])
    func fullSize(model: ModelName) throws {
        let m = try Model(ModelConfig(model: model), seed: 11)
        Self.perturb(m, seed: 12)
        let compiled = InferenceNetwork(m.network)
        var rng = RandomGenerator(seed: 13)
        let images = Tensor(shape: m.network.inputShape, batch: 1,
                            values: (0..<m.network.inputShape.count).map { _ in Float(rng.nextNormal()) })
        let training = m.network.forward(images.view(batch: 1), mode: .inference).toArray()
        let inference = compiled.forward(images.view(batch: 1)).toArray()
        #expect(Set(training).count > 1)
        #expect(Self.relativeDifference(training, inference) < 1e-4)
        // The arena holds every activation of a full-size image in far less than the training form's buffers.
        #expect(compiled.activationBytes(batch: 1) < 40 << 20, "\(compiled.activationBytes(batch: 1)) bytes")
    }

    /// Folding changes what is stored, not what is computed; and the folded convolutions carry no gradients.
    @Test func foldedConvolutionMatchesConvolutionThenBatchNorm() throws {
        var rng = RandomGenerator(seed: 3)
        let workspace = Workspace()
        for (kernel, stride, inputChannels) in [((1, 1), 1, 16), ((3, 3), 2, 16), ((3, 3), 2, 3), ((1, 7), 1, 8)] {
            let input = Shape(9, 9, inputChannels)
            let conv = Conv2D(input: input, outputChannels: 12, kernel: kernel, stride: stride,
                              padding: stride == 1 ? .same : .valid, workspace: workspace, rng: &rng)
            let bn = BatchNorm(shape: conv.outputShape, relu: true)
            for p in [bn.gamma, bn.beta, bn.movingMean, bn.movingVariance] {
                for i in 0..<p.count { p.value[i] = 0.5 + Float(rng.nextUniform()) - (p === bn.beta ? 0.8 : 0) }
            }
            let scale = (0..<12).map { bn.gamma.value[$0] / (bn.movingVariance.value[$0] + bn.epsilon).squareRoot() }
            let shift = (0..<12).map { bn.beta.value[$0] - bn.movingMean.value[$0] * scale[$0] }
            let folded = conv.folded(scale: scale, shift: shift, relu: true, workspace: workspace)
            #expect(folded.weight.gradient.isEmpty && folded.bias?.gradient.isEmpty == true)

            let x = Tensor(shape: input, batch: 2, values: (0..<(2 * input.count)).map { _ in Float(rng.nextNormal()) })
            let z = Tensor(shape: conv.outputShape), reference = Tensor(shape: conv.outputShape)
            conv.forward(x.view(batch: 2), into: z.view(batch: 2), mode: .inference)
            bn.forward(z.view(batch: 2), into: reference.view(batch: 2), mode: .inference)
            // Into a strided channel slice, as a concatenation branch writes.
            let wide = Tensor(shape: Shape(conv.outputShape.height, conv.outputShape.width, 20))
            let slice = wide.view(batch: 2).channels(5, count: 12)
            folded.forward(x.view(batch: 2), into: slice, mode: .inference)
            let a = reference.view(batch: 2).toArray(), b = slice.toArray()
            #expect(a.contains(0) && a.contains { $0 > 0 }, "the ReLU must clip some values and pass others")
            #expect(Self.relativeDifference(a, b) < 1e-5, "\(kernel) stride \(stride)")
        }
    }
}
