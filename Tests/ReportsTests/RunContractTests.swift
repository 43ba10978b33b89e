import Foundation
import Models
import Reports
import ResultsStore
import RunContract
import Testing

/// The run contract holds for the committed database: the metric names the trainer records are the names its runs
/// recorded, the defaults are the ones pinned here, and every stored configuration decodes to the real
/// `TrainingConfig` and back to the same JSON. A renamed metric or a changed default fails here, instead of
/// silently reading old runs as something else.
struct RunContractTests {
    static let database = CommittedReportsTests.results.appendingPathComponent("lab.sqlite").path

    /// Every metric the trainer records (the learned scales on networks that learn them: LayerScale, ReZero).
    static let recorded = [Metric.trainLoss, Metric.trainTop1, Metric.learningRate, Metric.gradientNorm,
                           Metric.epoch, Metric.stepTime, Metric.imagesPerSecond, Metric.prepoolDeadFraction,
                           Metric.prepoolZeroFraction, Metric.prepoolRMS, Metric.maxActivation]
        + Metric.stageRMS + Metric.learnedScale
        + [Metric.validation, Metric.test].flatMap { [$0.loss, $0.top1, $0.top5] }

    @Test func metricNamesAreTheNamesTheCommittedRunsRecorded() throws {
        let reader = try ResultsReader(path: Self.database)
        let names = Set(try reader.query("SELECT DISTINCT name FROM metrics").rows.compactMap { $0[0].string })
        #expect(names == Set(Self.recorded), """
            recorded but not named: \(names.subtracting(Self.recorded).sorted()); \
            named but never recorded: \(Set(Self.recorded).subtracting(names).sorted())
            """)
        #expect(Metric.timing == [Metric.stepTime, Metric.imagesPerSecond])
    }

    @Test func defaultsArePinned() {
        let defaults = TrainingConfig(model: ModelConfig(model: .inceptionResNetV1))
        #expect(defaults.canonicalJSON == #"{"batchSize":64,"budget":{"epochs":1},"checkpointEvery":200,"#
                + #""data":{"cropPadding":0,"flip":false,"name":"fashion-mnist","normalization":"standardized","#
                + #""pad":2},"deadChannelThreshold":0.99,"deadPatience":3,"evaluateEvery":200,"labelSmoothing":0,"#
                + #""learningRate":0.045,"learningRateDecay":0.94,"learningRateDecayEpochs":2,"logEvery":20,"#
                + #""model":{"batchNormDecay":0.99,"classes":1000,"dropoutKeep":0.8,"inputChannels":3,"#
                + #""inputSize":299,"model":"inception-resnet-v1","repeats":{"a":5,"b":10,"c":5},"#
                + #""residualScales":{"a":1,"b":1,"c":1},"stem":"paper","width":1},"momentum":0.9,"#
                + #""optimizer":"rmsprop","rmspropDecay":0.9,"rmspropEpsilon":1,"seed":0,"warmupLearningRate":0,"#
                + #""warmupSteps":0,"weightDecay":0}"#)
    }

    @Test func aFieldMissingFromAStoredConfigurationTakesItsDefault() throws {
        let sparse = try RunConfiguration(json: #"{"model":{"model":"inception-resnet-v1"},"data":{"pad":0},"seed":7}"#,
                                          settings: [:])
        var expected = TrainingConfig(model: ModelConfig(model: .inceptionResNetV1))
        expected.data.pad = 0
        #expect(sparse.config == expected)
        #expect(throws: ReportError.self) {
            try RunConfiguration(json: #"{"model":{"model":"inception-v4"},"data":{"normalization":"none"}}"#,
                                 settings: [:])
        }
    }

    @Test func everyCommittedConfigurationDecodesAndEncodesToItsStoredJSON() throws {
        let reader = try ResultsReader(path: Self.database)
        let stored = try reader.query("SELECT config_json FROM runs").rows.compactMap { $0[0].string }
        #expect(stored.count >= 40)
        for json in stored {
            let config = try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8))
            #expect(config.canonicalJSON == json)
        }
    }
}
