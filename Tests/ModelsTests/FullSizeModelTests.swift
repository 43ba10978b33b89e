import Engine
import Models
import Testing

/// The oracles of docs/models.md#full-size at 299×299×3, 1000 classes, paper stem. Each model is built once (weights
/// and gradients: up to 447 MB) and checked for parameters, MACs and the grid after the stem and each reduction.
@Suite("Full-size networks against the contract")
struct FullSizeModelTests {
    struct Oracle: Sendable, CustomTestStringConvertible {
        let model: ModelName
        let parameters: Int
        /// Convolution + FC multiply-adds in millions, as printed in the contract (one decimal).
        let megaMACs: Double
        /// Channels after the stem (and `mixed_5b` for the released IR-v2), Reduction-A and Reduction-B.
        let widths: (stem: Int, reductionA: Int, reductionB: Int)
        var testDescription: String { model.rawValue }
    }

    static let oracles = [
        Oracle(model: .inceptionV3, parameters: 23_834_568, megaMACs: 5_713.2, widths: (192, 768, 1280)),
        Oracle(model: .inceptionV4, parameters: 42_679_816, megaMACs: 12_254.0, widths: (384, 1024, 1536)),
        Oracle(model: .inceptionResNetV1, parameters: 22_756_328, megaMACs: 6_206.4, widths: (256, 896, 1792)),
        Oracle(model: .inceptionResNetV2Paper, parameters: 32_433_928, megaMACs: 9_258.0, widths: (384, 1152, 2144)),
        Oracle(model: .inceptionResNetV2, parameters: 55_843_464, megaMACs: 13_155.8, widths: (320, 1088, 2080)),
    ]

    @Test("parameters, MACs and grids", arguments: oracles)
    func fullSize(oracle: Oracle) throws {
        let model = try Model(ModelConfig(model: oracle.model), seed: 1)
        #expect(model.parameterCount == oracle.parameters)
        let megaMACs = Double(model.macs) / 1e6
        #expect(abs(megaMACs - oracle.megaMACs) / oracle.megaMACs < 0.001, "\(megaMACs) M MACs")

        let summary = model.summary()
        #expect(summary.parameters == oracle.parameters)
        #expect(summary.blocks.reduce(0) { $0 + $1.parameters } == oracle.parameters)
        #expect(summary.blocks.reduce(0) { $0 + $1.macs } == model.macs)

        func output(_ name: String) -> Shape? { summary.blocks.first { $0.name == name }?.outputShape }
        let firstGrid = oracle.model == .inceptionResNetV2 ? "mixed_5b" : "stem"
        #expect(output("stem")?.height == 35)
        #expect(output(firstGrid) == Shape(35, 35, oracle.widths.stem))
        #expect(output("reduction_a") == Shape(17, 17, oracle.widths.reductionA))
        #expect(output("reduction_b") == Shape(8, 8, oracle.widths.reductionB))
        #expect(output("logits") == Shape(1, 1, 1000))
        #expect(model.stageOutputs.map(\.shape.height) == [35, 17, 8])
        #expect(model.prePool.shape.height == 8)
        #expect(model.blocks[model.prePool.index + 1].name == "pool")
    }
}
