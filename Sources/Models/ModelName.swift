/// The five networks of docs/models.md#the-networks, by their command-line and configuration names.
public enum ModelName: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// Inception-v3 without the auxiliary head (23,834,568 parameters at full size).
    case inceptionV3 = "inception-v3"
    /// Inception-v4 (paper Fig. 9; 42,679,816 parameters).
    case inceptionV4 = "inception-v4"
    /// Inception-ResNet-v1 (paper Fig. 15; 22,756,328 parameters).
    case inceptionResNetV1 = "inception-resnet-v1"
    /// Inception-ResNet-v2 as the paper's figures draw it, with every expansion matching its input width
    /// (32,433,928 parameters).
    case inceptionResNetV2Paper = "inception-resnet-v2-paper"
    /// Inception-ResNet-v2 as TF-slim, Keras and timm release it (55,843,464 parameters).
    case inceptionResNetV2 = "inception-resnet-v2"

    /// Parses a model name, or throws `ModelError.unknownModel` listing the known names.
    public init(parsing name: String) throws(ModelError) {
        guard let model = ModelName(rawValue: name) else { throw .unknownModel(name) }
        self = model
    }

    public var description: String { rawValue }

    /// Whether the network is built from residual Inception blocks.
    public var isResidual: Bool {
        switch self {
        case .inceptionV3, .inceptionV4: false
        case .inceptionResNetV1, .inceptionResNetV2Paper, .inceptionResNetV2: true
        }
    }

    /// Whether the last layer before the average pool already ends in a BatchNorm: every branch of the last
    /// Inception-C block (v3, v4) or the released v2's final `C(1536,1)`; not the sum of the last residual block of
    /// `inception-resnet-v1` and `inception-resnet-v2-paper` (`ModelConfig.prePoolBatchNorm` adds one there).
    public var prePoolLayerHasBatchNorm: Bool {
        switch self {
        case .inceptionV3, .inceptionV4, .inceptionResNetV2: true
        case .inceptionResNetV1, .inceptionResNetV2Paper: false
        }
    }

    /// Repeats of the A, B and C blocks in the published network. For `inception-resnet-v2` the C count includes
    /// the final unscaled block without ReLU.
    public var defaultRepeats: Repeats {
        switch self {
        case .inceptionV3: Repeats(3, 4, 2)
        case .inceptionV4: Repeats(4, 7, 3)
        case .inceptionResNetV1, .inceptionResNetV2Paper: Repeats(5, 10, 5)
        case .inceptionResNetV2: Repeats(10, 20, 10)
        }
    }

    /// The residual scales a configuration gets when it gives none: the public code's 0.17 / 0.10 / 0.20 for the
    /// released `inception-resnet-v2`, unscaled (1.0) for the other residual networks, nil without residual blocks.
    public var defaultResidualScales: ResidualScales? {
        switch self {
        case .inceptionV3, .inceptionV4: nil
        case .inceptionResNetV1, .inceptionResNetV2Paper: ResidualScales(1, 1, 1)
        case .inceptionResNetV2: ResidualScales(0.17, 0.10, 0.20)
        }
    }

    /// Channels of the first 35×35 grid (the paper stem's output width, before any width multiplier), which the
    /// compact stem reproduces (docs/models.md#stems).
    public var stemChannels: Int {
        switch self {
        case .inceptionV3, .inceptionResNetV2: 192
        case .inceptionV4, .inceptionResNetV2Paper: 384
        case .inceptionResNetV1: 256
        }
    }
}

/// The layers from the input image to the first grid (docs/models.md#stems).
public enum Stem: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// The stem the model's paper uses (v3, v4 or v1 stem): 299×299 → 35×35.
    case paper
    /// `C(32,3) → C(64,3) → C(W,3,s2,V)` for small images: 32×32 → 15×15, 28×28 → 13×13.
    case compact

    public var description: String { rawValue }
}
