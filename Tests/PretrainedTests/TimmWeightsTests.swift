import Engine
import Foundation
import Models
import Pretrained
import Testing

/// timm's names, shapes and layouts, checked against lists written once by timm itself: `Fixtures/<model>.keys.txt`
/// holds `name [shape] dtype` for every entry of `timm.create_model(model).state_dict()` (timm 1.0.31, torch
/// 2.13; docs/weights.md shows the script).
struct TimmWeightsTests {
    /// Full size but the smallest input the paper stem takes: the weights are full size, the activations small.
    static func model(_ name: ModelName, channels: Int = 3, classes: Int = 1000, seed: UInt64 = 0) throws -> Model {
        try Model(ModelConfig(model: name, inputSize: 75, inputChannels: channels, classes: classes), seed: seed)
    }

    /// The fixture's lines, sorted.
    static func timmKeys(_ model: String) throws -> [String] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(model).keys", withExtension: "txt"))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init).sorted()
    }

    @Test(arguments: [ModelName.inceptionV4, .inceptionResNetV2])
    func exportHasExactlyTimmsNamesAndShapes(_ name: ModelName) throws {
        let model = try Self.model(name)
        let weights = try TimmWeights(for: model.config)
        let file = weights.stateDict(of: model)
        let ours = file.tensors.map { name, t in
            "\(name) \(t.shape) \(t.dtype == .f32 ? "float32" : "int64")"
        }.sorted()
        let timm = try Self.timmKeys(weights.timmModel)
        #expect(ours.count == timm.count)
        for (a, b) in zip(ours, timm) where a != b {
            Issue.record("first difference: ours \(a), timm \(b)")
            break
        }
    }

    @Test func kernelsAndTheClassifierAreTransposedTheTimmWay() throws {
        let model = try Self.model(.inceptionV4, classes: 10)
        let file = try TimmWeights(for: model.config).stateDict(of: model)
        let named = Dictionary(uniqueKeysWithValues: model.network.namedParameters.map { ($0.name, $0.parameter) })

        // stem.2 is C(64, 3×3) on 32 channels: ours HWIO [3, 3, 32, 64], timm's OIHW [64, 32, 3, 3].
        let conv = try #require(named["stem.2.conv.weight"]),
            timmConv = try #require(file.tensors["features.2.conv.weight"])
        #expect(timmConv.shape == [64, 32, 3, 3])
        let t = timmConv.floats
        for h in 0..<3 { for w in 0..<3 { for i in 0..<32 { for o in 0..<64 {
            let ours = conv.value[((h * 3 + w) * 32 + i) * 64 + o], theirs = t[((o * 32 + i) * 3 + h) * 3 + w]
            guard ours == theirs else { Issue.record("kernel [\(h),\(w),\(i),\(o)]: \(ours) vs \(theirs)"); return }
        } } } }

        // The classifier: ours [in, out], timm's [out, in].
        let dense = try #require(named["logits.weight"]), linear = try #require(file.tensors["last_linear.weight"])
        #expect(linear.shape == [10, 1536])
        let l = linear.floats
        #expect((0..<1536).allSatisfy { i in (0..<10).allSatisfy { o in dense.value[i * 10 + o] == l[o * 1536 + i] } })
    }

    @Test func exportedWeightsLoadBackAndGiveIdenticalOutputs() throws {
        let a = try Self.model(.inceptionV4, channels: 1, classes: 10, seed: 1)
        // Moving statistics away from their initial 0 and 1, so that loading them is tested too.
        var rng = RandomGenerator(seed: 9)
        for (name, p) in a.network.namedParameters where name.hasSuffix("moving_mean")
            || name.hasSuffix("moving_variance") {
            for i in 0..<p.count {
                p.value[i] = name.hasSuffix("mean") ? Float(rng.nextNormal()) * 0.1 : 0.5 + Float(rng.nextUniform())
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("timm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("inception_v4.safetensors")
        try TimmWeights(for: a.config).export(a, to: url)

        let b = try Self.model(.inceptionV4, channels: 1, classes: 10, seed: 2)
        try TimmWeights(for: b.config).load(from: url, into: b)
        for ((name, p), (_, q)) in zip(a.network.namedParameters, b.network.namedParameters) {
            #expect(Array(p.value) == Array(q.value), "\(name)")
        }
        let images = Tensor(shape: a.network.inputShape, batch: 2,
                            values: (0..<(2 * 75 * 75)).map { _ in Float(rng.nextNormal()) })
        let x = images.view(batch: 2)
        let ya = a.network.forward(x, mode: .inference).toArray()
        let yb = b.network.forward(x, mode: .inference).toArray()
        #expect(ya == yb && ya.allSatisfy(\.isFinite))
    }

    /// predict and evaluate load timm's weights into a model and classify with its inference form: that form of
    /// the loaded model computes what the exporting model computes in inference mode.
    @Test(arguments: [ModelName.inceptionV4, .inceptionResNetV2])
    func loadedWeightsCompiledForInferenceGiveTheSameLogits(_ name: ModelName) throws {
        let a = try Self.model(name, seed: 1)
        var rng = RandomGenerator(seed: 9)
        for (name, p) in a.network.namedParameters where name.hasSuffix("moving_mean")
            || name.hasSuffix("moving_variance") || name.hasSuffix("beta") {
            for i in 0..<p.count {
                p.value[i] = name.hasSuffix("variance") ? 0.5 + Float(rng.nextUniform()) : Float(rng.nextNormal()) * 0.1
            }
        }
        let weights = try TimmWeights(for: a.config)
        let b = try Self.model(name, seed: 2)
        try weights.load(weights.stateDict(of: a), into: b, path: "w.safetensors")
        let compiled = InferenceNetwork(b.network)
        let images = Tensor(shape: a.network.inputShape, batch: 2,
                            values: (0..<(2 * a.network.inputShape.count)).map { _ in Float(rng.nextNormal()) })
        let expected = a.network.forward(images.view(batch: 2), mode: .inference).toArray()
        let actual = compiled.forward(images.view(batch: 2)).toArray()
        let scale = max(1, expected.map(abs).max()!)
        #expect(Set(expected).count > 1)
        #expect(zip(expected, actual).allSatisfy { abs($0 - $1) < 1e-4 * scale })
    }

    @Test func filesOfAnotherNetworkAreRefusedNamingTheFirstMismatch() throws {
        let model = try Self.model(.inceptionV4)
        let weights = try TimmWeights(for: model.config)
        let good = weights.stateDict(of: model)
        func refusal(_ edit: (inout SafeTensors) -> Void) -> String {
            var file = good
            edit(&file)
            do {
                try weights.load(file, into: model, path: "w.safetensors")
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(refusal { _ in } == "accepted")
        #expect(refusal { $0.tensors["features.7.branch2.1.conv.weight"] = nil }
                == "w.safetensors has no tensor features.7.branch2.1.conv.weight: it is not a state dict of "
                + "timm's inception_v4")
        #expect(refusal { $0.tensors["last_linear.weight"] = .init(shape: [1001, 1536],
                                                                  floats: .init(repeating: 0, count: 1001 * 1536)) }
                == "w.safetensors: tensor last_linear.weight has shape [1001, 1536], but inception_v4 with 3 input "
                + "channels and 1000 classes needs [1000, 1536]: check --classes and --channels against the file")
        #expect(refusal { $0.tensors["features.22.conv.weight"] = .init(shape: [1], floats: [0]) }
                == "w.safetensors holds 1 tensor(s) that timm's inception_v4 does not have, the first (by name) "
                + "features.22.conv.weight: it is a state dict of another network")
        // Without the counters it still loads: they are PyTorch bookkeeping.
        #expect(refusal { f in
            for k in f.tensors.keys where k.hasSuffix("num_batches_tracked") { f.tensors[k] = nil }
        } == "accepted")
    }

    @Test func onlyTimmsConfigurationsHaveTimmWeights() {
        func refusal(_ config: ModelConfig) -> String? {
            do { _ = try TimmWeights(for: config); return nil } catch { return error.description }
        }
        #expect(refusal(ModelConfig(model: .inceptionV4, inputSize: 32, inputChannels: 1, classes: 10)) == nil)
        #expect(refusal(ModelConfig(model: .inceptionV4, width: 0.5))?
                    .hasPrefix("timm's inception_v4 has width 1.0, this model 0.5") == true)
        #expect(refusal(ModelConfig(model: .inceptionV4, stem: .compact))?
                    .contains("stem paper, this model compact") == true)
        #expect(refusal(ModelConfig(model: .inceptionResNetV2, residualScales: ResidualScales(0.1, 0.1, 0.1)))?
                    .contains("residual scales 0.17,0.1,0.2, this model 0.1,0.1,0.1") == true)
        #expect(refusal(ModelConfig(model: .inceptionV3))?.contains("inception-v3 has no timm counterpart") == true)
    }

    @Test func aFileThatIsNotSafetensorsIsRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("not-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("hello, world".utf8).write(to: url)
        let model = try Self.model(.inceptionV4)
        #expect(throws: WeightsError.self) { try TimmWeights(for: model.config).load(from: url, into: model) }
    }
}
