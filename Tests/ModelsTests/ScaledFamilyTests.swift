import Engine
import Foundation
import Models
import Testing

@Suite("The scaled family: reference points, small grids, determinism")
struct ScaledFamilyTests {
    /// docs/models.md#the-scaled-family: compact stem, 32×32×1, 10 classes, default repeats.
    @Test("reference parameter counts", arguments: [
        (ModelName.inceptionV4, 0.125, 645_942), (.inceptionV4, 0.25, 2_564_226),
        (.inceptionResNetV2Paper, 0.125, 476_438), (.inceptionResNetV2Paper, 0.25, 1_886_226),
    ])
    func referencePoints(model: ModelName, width: Double, parameters: Int) throws {
        let config = ModelConfig(model: model, width: width, stem: .compact, inputSize: 32, inputChannels: 1,
                                 classes: 10)
        #expect(try Model(config, seed: 1).parameterCount == parameters)
        // The residual scales do not change the count.
        if model.isResidual {
            var scaled = config
            scaled.residualScales = ResidualScales(0.1, 0.2, 0.3)
            #expect(try Model(scaled, seed: 1).parameterCount == parameters)
        }
    }

    /// The compact stem mirrors the paper's 35 → 17 → 8: 32 gives 15 → 7 → 3 and 28 gives 13 → 6 → 2.
    @Test("compact-stem grids", arguments: ModelName.allCases)
    func compactGrids(model: ModelName) throws {
        for (input, grids) in [(32, [15, 7, 3]), (28, [13, 6, 2])] {
            let m = try Model(ModelConfig(model: model, width: 0.125, stem: .compact, inputSize: input,
                                          inputChannels: 1, classes: 10), seed: 1)
            let heights = ["stem", "reduction_a", "reduction_b"].map { name in
                m.blocks.first { $0.name == name }!.layer.outputShape.height
            }
            #expect(heights == grids)
            #expect(m.stageOutputs.map(\.shape.height) == grids)
        }
    }

    @Test("75×75 is the smallest paper-stem input", arguments: ModelName.allCases)
    func minimumInput(model: ModelName) throws {
        #expect(ModelConfig.minimumInputSize(model: model, stem: .paper) == 75)
        #expect(ModelConfig.minimumInputSize(model: model, stem: .compact) == 15)
        try ModelConfig(model: model, inputSize: 75).validate()
        let error = #expect(throws: ModelError.self) { try ModelConfig(model: model, inputSize: 74).validate() }
        #expect(error == .inputTooSmall(model: model, stem: .paper, size: 74, minimum: 75))
        #expect(error?.description.contains("smallest input that works is 75×75") == true)
        #expect(throws: ModelError.inputTooSmall(model: model, stem: .compact, size: 14, minimum: 15)) {
            try ModelConfig(model: model, stem: .compact, inputSize: 14).validate()
        }
        // A 75×75 network actually builds down to a 1×1 grid before the head.
        let m = try Model(ModelConfig(model: model, width: 0.125, inputSize: 75), seed: 1)
        #expect(m.prePool.shape.height == 1)
    }

    @Test("invalid settings are refused with their reason")
    func validation() throws {
        func error(_ config: ModelConfig) -> ModelError? {
            #expect(throws: ModelError.self) { try config.validate() }
        }
        #expect(error(ModelConfig(model: .inceptionV4, width: 0)) == .widthOutOfRange(0))
        #expect(error(ModelConfig(model: .inceptionV4, width: 1.5)) == .widthOutOfRange(1.5))
        #expect(error(ModelConfig(model: .inceptionV4, repeats: Repeats(4, 0, 3))) == .invalidRepeats(Repeats(4, 0, 3)))
        #expect(error(ModelConfig(model: .inceptionV3, repeats: Repeats(-1, 1, 1)))
                == .invalidRepeats(Repeats(-1, 1, 1)))
        #expect(error(ModelConfig(model: .inceptionV4, residualScales: ResidualScales(0.1, 0.1, 0.1)))
                == .residualScalesWithoutResidualBlocks(.inceptionV4))
        #expect(error(ModelConfig(model: .inceptionResNetV1, residualScales: ResidualScales(0.1, -1, 0.1)))
                == .invalidResidualScales(ResidualScales(0.1, -1, 0.1)))
        #expect(error(ModelConfig(model: .inceptionV4, inputChannels: 0)) == .invalidInputChannels(0))
        #expect(error(ModelConfig(model: .inceptionV4, classes: 1)) == .invalidClasses(1))
        #expect(error(ModelConfig(model: .inceptionV4, dropoutKeep: 0)) == .invalidDropoutKeep(0))
        #expect(error(ModelConfig(model: .inceptionV4, batchNormDecay: 1)) == .invalidBatchNormDecay(1))

        let unknown = #expect(throws: ModelError.self) { try ModelName(parsing: "inception-v5") }
        #expect(unknown == .unknownModel("inception-v5"))
        for name in ModelName.allCases { #expect(unknown?.description.contains(name.rawValue) == true) }
    }

    @Test("default residual scales and repeats")
    func defaults() {
        #expect(ModelConfig(model: .inceptionResNetV2).residualScales == ResidualScales(0.17, 0.10, 0.20))
        #expect(ModelConfig(model: .inceptionResNetV2Paper).residualScales == ResidualScales(1, 1, 1))
        #expect(ModelConfig(model: .inceptionV4).residualScales == nil)
        #expect(ModelConfig(model: .inceptionV3).repeats == Repeats(3, 4, 2))
        #expect(ModelConfig(model: .inceptionResNetV2).repeats == Repeats(10, 20, 10))
    }

    @Test("decoding fills in the defaults; unknown names are refused")
    func decoding() throws {
        let json = #"{"model": "inception-resnet-v2", "width": 0.125, "stem": "compact", "inputSize": 32}"#
        let config = try JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8))
        #expect(config == ModelConfig(model: .inceptionResNetV2, width: 0.125, stem: .compact, inputSize: 32))
        let roundTrip = try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(config))
        #expect(roundTrip == config)
        #expect(throws: ModelError.unknownModel("resnet-50")) {
            try JSONDecoder().decode(ModelConfig.self, from: Data(#"{"model": "resnet-50"}"#.utf8))
        }
    }

    @Test("the same seed builds bit-identical weights")
    func determinism() throws {
        let config = ModelConfig(model: .inceptionResNetV2, width: 0.125, stem: .compact, inputSize: 32,
                                 inputChannels: 1, classes: 10)
        func weights(_ seed: UInt64) throws -> [(String, [UInt32])] {
            try Model(config, seed: seed).network.namedParameters.map {
                ($0.name, $0.parameter.value.map(\.bitPattern))
            }
        }
        let a = try weights(7), b = try weights(7), c = try weights(8)
        #expect(a.map(\.0) == b.map(\.0))
        #expect(a.map(\.1) == b.map(\.1))
        #expect(a.map(\.1) != c.map(\.1))
    }
}
