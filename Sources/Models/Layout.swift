import Engine

/// The named top-level blocks of one network, in order (`stem`, `inception_a1`, …, `reduction_a`, …,
/// (`prepool_bn`,) `pool`, `dropout`, `logits`), with the blocks of each of the A, B and C stages marked for probes.
struct Layout {
    let inputShape: Shape
    private(set) var blocks: [(name: String, recipe: Recipe)] = []
    /// Names of the blocks of the A, B and C stages, in that order.
    private(set) var stages: [[String]] = []

    /// The layout of `config` (assumed valid), with recipes from `b`.
    init(_ config: ModelConfig, _ b: Builder) {
        inputShape = config.inputShape
        append("stem", Stems.stem(config, b))
        switch config.model {
        case .inceptionV3: InceptionV3.body(config, b, into: &self)
        case .inceptionV4: InceptionV4.body(config, b, into: &self)
        case .inceptionResNetV1: InceptionResNetV1.body(config, b, into: &self)
        case .inceptionResNetV2Paper: InceptionResNetV2.paperBody(config, b, into: &self)
        case .inceptionResNetV2: InceptionResNetV2.releasedBody(config, b, into: &self)
        }
        if config.prePoolBatchNorm { append("prepool_bn", b.batchNorm) }
        // The head of every model: global average pool → dropout → fully connected.
        append("pool", b.globalPool)
        append("dropout", b.dropout(keep: config.dropoutKeep))
        append("logits", b.dense(config.classes))
    }

    mutating func append(_ name: String, _ recipe: Recipe) {
        blocks.append((name, recipe))
    }

    /// `count` blocks named `name1` … `name<count>`, `block(i)` building the i-th (1-based), as the next stage.
    mutating func stage(_ name: String, count: Int, _ block: (_ index: Int) -> Recipe) {
        for i in 1...count { append("\(name)\(i)", block(i)) }
        stages.append((1...count).map { "\(name)\($0)" })
    }

    /// Names of the last block of the A, B and C stages, in that order.
    var stageEnds: [String] { stages.map { $0.last! } }
}
