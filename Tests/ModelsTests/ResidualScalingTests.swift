import Engine
import Foundation
import Models
import Testing

/// The residual-scaling settings of `ModelConfig`: the extra pre-pool BatchNorm, learned residual scales
/// (LayerScale, ReZero), and the branch's init scale and learning-rate multiplier.
@Suite("Residual-scaling settings")
struct ResidualScalingTests {
    /// A small residual network: width 0.125, stages of 1, 2 and 1 blocks, compact stem, 32×32×1, 5 classes.
    static func config(_ model: ModelName = .inceptionResNetV2Paper, scales: Double = 1) -> ModelConfig {
        ModelConfig(model: model, width: 0.125, repeats: Repeats(1, 2, 1), stem: .compact, inputSize: 32,
                    inputChannels: 1, classes: 5, residualScales: ResidualScales(scales, scales, scales),
                    dropoutKeep: 1)
    }

    static func parameters(_ m: Model) -> [String: Parameter] {
        Dictionary(uniqueKeysWithValues: m.network.namedParameters.map { ($0.name, $0.parameter) })
    }

    /// The logits of `m` on a fixed batch of 4 images.
    static func logits(_ m: Model, mode: Mode = .training) -> [Float] {
        let (images, _) = TrainingPassTests.batch(m.network.inputShape, 4, classes: 5, seed: 2)
        return m.network.forward(images.view(batch: 4), mode: mode).toArray()
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max()!
    }

    /// The extra BatchNorm adds gamma and beta over the C stage's channels: 2 × 268 = 536 parameters for
    /// IR-v2-paper (2144 · 0.125 = 268 channels), 2 × 224 = 448 for IR-v1 (1792 · 0.125), and the pre-pool probe
    /// reads its output; the last C block hands it the sum without a ReLU.
    @Test("the extra pre-pool BatchNorm's parameters and place", arguments: [
        (ModelName.inceptionResNetV2Paper, 536), (ModelName.inceptionResNetV1, 448),
    ])
    func prePoolBatchNorm(model: ModelName, added: Int) throws {
        let plain = try Model(Self.config(model), seed: 1)
        var config = Self.config(model)
        config.prePoolBatchNorm = true
        let extra = try Model(config, seed: 1)
        #expect(extra.parameterCount - plain.parameterCount == added)
        #expect(added == 2 * plain.prePool.shape.channels)
        #expect(extra.prePool.name == "prepool_bn")
        let names: [String] = extra.blocks.map(\.name), plainNames: [String] = plain.blocks.map(\.name)
        #expect(Array(names.suffix(4)) == ["prepool_bn", "pool", "dropout", "logits"])
        #expect(names.filter { $0 != "prepool_bn" } == plainNames)
        #expect((extra.blocks.first { $0.name == "inception_c1" }?.layer as? Residual)?.relu == false)
        #expect((extra.blocks.first { $0.name == "inception_b2" }?.layer as? Residual)?.relu == true)
    }

    /// LayerScale adds one scale per channel of every residual block, ReZero one per block; both start at their
    /// initial value and are reported per stage.
    @Test("learned scales: parameters, initial values, stages")
    func learnedScaleParameters() throws {
        let plain = try Model(Self.config(), seed: 1)
        var layerScale = Self.config()
        layerScale.residualScaleMode = .layerscale
        layerScale.residualScaleInit = 0.1
        let l = try Model(layerScale, seed: 1)
        let widths = plain.stageOutputs.map(\.shape.channels)   // 48, 144, 268 at width 0.125
        #expect(l.parameterCount - plain.parameterCount == widths[0] + 2 * widths[1] + widths[2])
        #expect(l.learnedScales.map(\.count) == [1, 2, 1])
        #expect(l.learnedScales.joined().allSatisfy { $0.dimensions.count == 1 && $0.value.allSatisfy { $0 == 0.1 } })
        var rezero = Self.config()
        rezero.residualScaleMode = .rezero
        #expect(rezero.residualScaleInit == 0)
        let r = try Model(rezero, seed: 1)
        #expect(r.parameterCount - plain.parameterCount == 4)
        #expect(r.learnedScales.joined().allSatisfy { $0.dimensions == [1] && $0.value[0] == 0 })
        #expect(plain.learnedScales.allSatisfy { $0.isEmpty })
        #expect(Self.parameters(r)["inception_a1.scale.gamma"] != nil)
    }

    /// Scaling a branch's output by s is the same network as scaling its last convolution's weights by s (its bias
    /// starts at 0): fixed scale 0.1 with init factor 1, fixed scale 1 with init factor 0.1, and LayerScale and
    /// ReZero starting at 0.1 give the same logits, in training and in inference mode.
    @Test("scale s on the branch output equals ×s on its last convolution", arguments: [Mode.training, .inference])
    func reparametrisation(mode: Mode) throws {
        let scaled = try Model(Self.config(scales: 0.1), seed: 7)
        var initScaled = Self.config()
        initScaled.residualBranchInitScale = 0.1
        var layerScale = Self.config()
        layerScale.residualScaleMode = .layerscale
        layerScale.residualScaleInit = 0.1
        var rezero = Self.config()
        rezero.residualScaleMode = .rezero
        rezero.residualScaleInit = 0.1
        let reference = Self.logits(scaled, mode: mode)
        let unscaled = Self.logits(try Model(Self.config(), seed: 7), mode: mode)
        #expect(Self.maxDifference(reference, unscaled) > 1e-2)   // the scale matters
        for config in [initScaled, layerScale, rezero] {
            let other = Self.logits(try Model(config, seed: 7), mode: mode)
            #expect(Self.maxDifference(reference, other) < 1e-4, "\(config)")
        }
        let p = Self.parameters(try Model(initScaled, seed: 7)), q = Self.parameters(scaled)
        for (name, value) in p where name.hasSuffix("expand.weight") {
            #expect(zip(value.value, q[name]!.value).allSatisfy { $0 == Float(0.1) * $1 })
        }
    }

    /// One RMSProp step on the same batch: with the branch multiplier m = 0.1 the expansions' weights and biases
    /// move by m times their step at m = 1 (up to the rounding of the stored weights, one ulp each), and every
    /// other parameter moves exactly as before.
    @Test("the branch learning-rate multiplier changes exactly the expansions' step")
    func learningRateMultiplier() throws {
        var slow = Self.config(scales: 0.5)
        slow.residualBranchLearningRateMultiplier = 0.1
        func step(_ config: ModelConfig) throws -> (before: [String: [Float]], after: [String: [Float]]) {
            let m = try Model(config, seed: 3)
            let before = Self.parameters(m).mapValues { Array($0.value) }
            let (images, labels) = TrainingPassTests.batch(m.network.inputShape, 4, classes: 5, seed: 2)
            m.network.forward(images.view(batch: 4), mode: .training)
            _ = labels.withUnsafeBufferPointer { m.network.loss(labels: $0) }
            m.network.backward()
            RMSProp(parameters: m.network.parameters, epsilon: 1e-3).step(learningRate: 0.1)
            return (before, Self.parameters(m).mapValues { Array($0.value) })
        }
        let (start, normal) = try step(Self.config(scales: 0.5)), (slowStart, reduced) = try step(slow)
        #expect(start == slowStart)
        var expansions = 0
        for (name, initial) in start {
            if name.contains(".expand.") {
                expansions += 1
                for i in initial.indices {
                    let full = normal[name]![i] - initial[i], part = reduced[name]![i] - initial[i]
                    #expect(abs(part - 0.1 * full) <= 1e-3 * abs(full) + 2 * initial[i].ulp,
                            "\(name)[\(i)]: \(part) vs \(full)")
                }
                #expect(normal[name] != initial)
            } else {
                #expect(reduced[name] == normal[name], "\(name) moved differently")
            }
        }
        #expect(expansions == 8)   // weight and bias of 4 blocks
    }

    /// Folding learned scales into the expansions gives a fixed-scale network with the same outputs.
    @Test("folding learned scales keeps the function", arguments: [ResidualScaleMode.layerscale, .rezero])
    func folding(mode: ResidualScaleMode) throws {
        var config = Self.config(scales: 0.3)
        config.residualScaleMode = mode
        config.residualScaleInit = 0.2
        let m = try Model(config, seed: 5)
        var rng = RandomGenerator(seed: 9)
        for gamma in m.learnedScales.joined() {   // as if trained: different values per channel and block
            for i in gamma.value.indices { gamma.value[i] = Float(rng.nextNormal()) }
        }
        let folded = m.foldingLearnedScales()
        #expect(folded.config == config.withFixedScales && folded.config.residualScaleMode == .fixed)
        #expect(folded.learnedScales.allSatisfy { $0.isEmpty })
        for mode in [Mode.inference, .training] {
            let a = Self.logits(m, mode: mode), b = Self.logits(folded, mode: mode)
            #expect(Self.maxDifference(a, b) < 1e-4 * max(1, a.map { abs($0) }.max()!))
        }
    }

    /// Encoding leaves the new fields out at their defaults, so the canonical JSON of every configuration written
    /// before them is unchanged; set, they round-trip.
    @Test("encoding omits the defaults and round-trips the rest")
    func encoding() throws {
        let plain = try String(decoding: JSONEncoder().encode(Self.config()), as: UTF8.self)
        for key in ["prePoolBatchNorm", "residualScaleMode", "residualScaleInit", "residualBranchInitScale",
                    "residualBranchLearningRateMultiplier"] {
            #expect(!plain.contains(key))
        }
        var c = Self.config()
        c.prePoolBatchNorm = true
        c.residualScaleMode = .layerscale
        c.residualScaleInit = 1e-5
        c.residualBranchInitScale = 0.5
        c.residualBranchLearningRateMultiplier = 0.25
        let decoded = try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(c))
        #expect(decoded == c)
        let rezero = try JSONDecoder().decode(ModelConfig.self, from: Data(
            #"{"model": "inception-resnet-v1", "residualScaleMode": "rezero"}"#.utf8))
        #expect(rezero.residualScaleInit == 0)
    }

    /// Each bad value (given as the JSON fields a run configuration's `model` would hold) is refused naming the
    /// field, its `train` option and the fix.
    @Test("bad settings are refused naming the field and the fix", arguments: [
        (#""model": "inception-v4", "residualScaleMode": "rezero""#,
         "model.residualScaleMode (--residual-scale-mode) applies to residual blocks and inception-v4 has none"),
        (#""model": "inception-v3", "residualBranchInitScale": 0.1"#,
         "model.residualBranchInitScale (--residual-branch-init-scale) applies to residual blocks"),
        (#""model": "inception-resnet-v1", "residualBranchLearningRateMultiplier": -1"#,
         "model.residualBranchLearningRateMultiplier (--residual-branch-learning-rate-multiplier) is -1.0; "
            + "expected a finite factor ≥ 0"),
        (#""model": "inception-resnet-v1", "residualBranchInitScale": 0"#,
         "model.residualBranchInitScale (--residual-branch-init-scale) is 0.0; expected a finite factor > 0"),
        (#""model": "inception-resnet-v1", "residualScaleMode": "layerscale""#,
         "model.residualScaleMode (--residual-scale-mode) layerscale needs model.residualScaleInit "
            + "(--residual-scale-init)"),
        (#""model": "inception-resnet-v1", "residualScaleInit": 0.1"#,
         "model.residualScaleInit (--residual-scale-init) is the initial value of learned residual scales, but "
            + "model.residualScaleMode (--residual-scale-mode) is fixed: remove it"),
        (#""model": "inception-resnet-v1", "residualScaleMode": "layerscale", "residualScaleInit": -0.5"#,
         "model.residualScaleInit (--residual-scale-init) is -0.5; expected a finite value ≥ 0"),
        (#""model": "inception-resnet-v2", "prePoolBatchNorm": true"#,
         "model.prePoolBatchNorm (--pre-pool-batch-norm): the last layer of inception-resnet-v2 before the average "
            + "pool already ends in a BatchNorm"),
        (#""model": "inception-v4", "prePoolBatchNorm": true"#,
         "model.prePoolBatchNorm (--pre-pool-batch-norm): the last layer of inception-v4 before"),
    ])
    func refusals(fields: String, message: String) throws {
        let json = #"{"width": 0.125, "stem": "compact", "inputSize": 32, "inputChannels": 1, "classes": 5, "#
            + fields + "}"
        let config = try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        var description = ""
        #expect(throws: ModelError.self) {
            do { try config.validate() } catch { description = "\(error)"; throw error }
        }
        #expect(description.hasPrefix(message), "\(description)")
    }
}
