import Engine

/// Repeats of the Inception-A, -B and -C blocks (the three stages at 35×35, 17×17 and 8×8 on a 299 input).
public struct Repeats: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Block counts of the A, B and C stages.
    public var a, b, c: Int

    public init(_ a: Int, _ b: Int, _ c: Int) {
        (self.a, self.b, self.c) = (a, b, c)
    }

    public var description: String { "\(a),\(b),\(c)" }
}

/// The residual scales `s` of `Res(F, s)` in the A, B and C stages (1.0 = unscaled; the paper uses 0.1–0.3
/// to keep wide residual networks from dying).
public struct ResidualScales: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Scales of the A, B and C stages (dimensionless multipliers of the residual branch).
    public var a, b, c: Double

    public init(_ a: Double, _ b: Double, _ c: Double) {
        (self.a, self.b, self.c) = (a, b, c)
    }

    public var description: String { "\(a),\(b),\(c)" }
}

/// One member of the model family (docs/models.md#configurations): which network, how wide, how deep, on what images.
///
/// Residual scales: a residual network built without explicit scales gets `ModelName.defaultResidualScales`
/// (0.17 / 0.10 / 0.20 for `inception-resnet-v2` as in the public code, 1.0 for the other two). The initialiser
/// fills them in, so two configurations that build the same network compare (and hash) equal.
///
/// Decoding accepts any subset of the keys besides `model`; the missing ones take the defaults below. Encoding
/// omits `prePoolBatchNorm`, `residualScaleMode`, `residualBranchInitScale` and
/// `residualBranchLearningRateMultiplier` at their defaults (and `residualScaleInit` when nil), so the canonical JSON,
/// and with it the identity, of every configuration written before they existed is unchanged.
public struct ModelConfig: Codable, Hashable, Sendable {
    /// Which of the five networks.
    public var model: ModelName
    /// Width multiplier α in (0, 1]: every written channel count `c` becomes `max(1, floor(c·α + 0.5))`.
    public var width: Double
    /// Repeats of the A, B and C blocks (default: the published network's, `ModelName.defaultRepeats`).
    public var repeats: Repeats
    /// The model's paper stem (for 299×299 images) or the compact stem (for 28–32 pixel images).
    public var stem: Stem
    /// Side of the square input image, in pixels.
    public var inputSize: Int
    /// Channels of the input image (3 for RGB, 1 for grayscale).
    public var inputChannels: Int
    /// Number of classes of the final fully connected layer.
    public var classes: Int
    /// Residual scales of the A, B and C stages; nil exactly for the networks without residual blocks (a
    /// non-nil value there fails validation).
    public var residualScales: ResidualScales?
    /// Probability of keeping a feature in the dropout before the classifier during training (paper: 0.8).
    public var dropoutKeep: Double
    /// BatchNorm moving-average decay. TensorFlow's (and the paper's) 0.9997 needs hundreds of thousands of steps;
    /// 0.99 is this project's default for short CPU runs.
    public var batchNormDecay: Double
    /// The paper's "extra BatchNorm" remedy: a BatchNorm (with the ReLU after it) on the sum of the last residual
    /// block, the layer before the average pool that dies in wide unscaled networks, as the top-level block
    /// `prepool_bn`. Only for `inception-resnet-v1` and `inception-resnet-v2-paper`; the other networks' last layer
    /// already ends in a BatchNorm.
    public var prePoolBatchNorm: Bool
    /// Learned scales of the residual branches on top of the fixed `residualScales` (`fixed`: none).
    public var residualScaleMode: ResidualScaleMode
    /// Initial value of the learned scales (`layerscale`: required; `rezero`: 0 unless set; `fixed`: nil). Reads
    /// give the mode's `defaultInitialValue` when none was set, and so does the encoding (equality compares what
    /// was set, so ReZero set to 0 and ReZero left at 0 compare unequal but have the same canonical JSON).
    public var residualScaleInit: Double? {
        get { givenResidualScaleInit ?? residualScaleMode.defaultInitialValue }
        set { givenResidualScaleInit = newValue }
    }
    private var givenResidualScaleInit: Double?
    /// Factor on the initial weights of each residual block's expansion `L`, the last convolution of its branch
    /// (1: Glorot-uniform as drawn). At initialisation (`L`'s bias is 0) scale `s` with factor 1 and scale 1 with
    /// factor `s` are the same network.
    public var residualBranchInitScale: Double
    /// Factor on the learning rate of each residual block's expansion `L` (weights and bias; 1: the schedule's
    /// rate, 0: frozen).
    public var residualBranchLearningRateMultiplier: Double

    /// The paper's full-size configuration (299×299×3, 1000 classes, paper stem) unless told otherwise.
    public init(model: ModelName, width: Double = 1, repeats: Repeats? = nil, stem: Stem = .paper,
                inputSize: Int = 299, inputChannels: Int = 3, classes: Int = 1000,
                residualScales: ResidualScales? = nil, dropoutKeep: Double = 0.8, batchNormDecay: Double = 0.99,
                prePoolBatchNorm: Bool = false, residualScaleMode: ResidualScaleMode = .fixed,
                residualScaleInit: Double? = nil, residualBranchInitScale: Double = 1,
                residualBranchLearningRateMultiplier: Double = 1) {
        self.model = model
        self.width = width
        self.repeats = repeats ?? model.defaultRepeats
        self.stem = stem
        self.inputSize = inputSize
        self.inputChannels = inputChannels
        self.classes = classes
        self.residualScales = residualScales ?? model.defaultResidualScales
        self.dropoutKeep = dropoutKeep
        self.batchNormDecay = batchNormDecay
        self.prePoolBatchNorm = prePoolBatchNorm
        self.residualScaleMode = residualScaleMode
        givenResidualScaleInit = residualScaleInit
        self.residualBranchInitScale = residualBranchInitScale
        self.residualBranchLearningRateMultiplier = residualBranchLearningRateMultiplier
    }

    private enum CodingKeys: String, CodingKey {
        case model, width, repeats, stem, inputSize, inputChannels, classes, residualScales, dropoutKeep,
             batchNormDecay, prePoolBatchNorm, residualScaleMode, residualScaleInit, residualBranchInitScale,
             residualBranchLearningRateMultiplier
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .model)
        let defaults = ModelConfig(model: try ModelName(parsing: name))
        self.init(model: defaults.model,
                  width: try c.decodeIfPresent(Double.self, forKey: .width) ?? defaults.width,
                  repeats: try c.decodeIfPresent(Repeats.self, forKey: .repeats),
                  stem: try c.decodeIfPresent(Stem.self, forKey: .stem) ?? defaults.stem,
                  inputSize: try c.decodeIfPresent(Int.self, forKey: .inputSize) ?? defaults.inputSize,
                  inputChannels: try c.decodeIfPresent(Int.self, forKey: .inputChannels) ?? defaults.inputChannels,
                  classes: try c.decodeIfPresent(Int.self, forKey: .classes) ?? defaults.classes,
                  residualScales: try c.decodeIfPresent(ResidualScales.self, forKey: .residualScales),
                  dropoutKeep: try c.decodeIfPresent(Double.self, forKey: .dropoutKeep) ?? defaults.dropoutKeep,
                  batchNormDecay: try c.decodeIfPresent(Double.self, forKey: .batchNormDecay)
                      ?? defaults.batchNormDecay,
                  prePoolBatchNorm: try c.decodeIfPresent(Bool.self, forKey: .prePoolBatchNorm)
                      ?? defaults.prePoolBatchNorm,
                  residualScaleMode: try c.decodeIfPresent(ResidualScaleMode.self, forKey: .residualScaleMode)
                      ?? defaults.residualScaleMode,
                  residualScaleInit: try c.decodeIfPresent(Double.self, forKey: .residualScaleInit),
                  residualBranchInitScale: try c.decodeIfPresent(Double.self, forKey: .residualBranchInitScale)
                      ?? defaults.residualBranchInitScale,
                  residualBranchLearningRateMultiplier: try c.decodeIfPresent(
                      Double.self, forKey: .residualBranchLearningRateMultiplier)
                      ?? defaults.residualBranchLearningRateMultiplier)
    }

    /// Every field, except the residual-scaling ones at their defaults (see the type's comment).
    public func encode(to encoder: any Encoder) throws {
        let defaults = ModelConfig(model: model)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(width, forKey: .width)
        try c.encode(repeats, forKey: .repeats)
        try c.encode(stem, forKey: .stem)
        try c.encode(inputSize, forKey: .inputSize)
        try c.encode(inputChannels, forKey: .inputChannels)
        try c.encode(classes, forKey: .classes)
        try c.encodeIfPresent(residualScales, forKey: .residualScales)
        try c.encode(dropoutKeep, forKey: .dropoutKeep)
        try c.encode(batchNormDecay, forKey: .batchNormDecay)
        func encode<T: Encodable & Equatable>(_ value: T, _ key: CodingKeys, unless standard: T) throws {
            if value != standard { try c.encode(value, forKey: key) }
        }
        try encode(prePoolBatchNorm, .prePoolBatchNorm, unless: defaults.prePoolBatchNorm)
        try encode(residualScaleMode, .residualScaleMode, unless: defaults.residualScaleMode)
        try c.encodeIfPresent(residualScaleInit, forKey: .residualScaleInit)
        try encode(residualBranchInitScale, .residualBranchInitScale, unless: defaults.residualBranchInitScale)
        try encode(residualBranchLearningRateMultiplier, .residualBranchLearningRateMultiplier,
                   unless: defaults.residualBranchLearningRateMultiplier)
    }

    /// Shape of one input image, `inputSize × inputSize × inputChannels`.
    public var inputShape: Shape { Shape(inputSize, inputSize, inputChannels) }

    /// Checks every setting, the input size against the layout included; throws the first problem found.
    public func validate() throws(ModelError) {
        guard width > 0 && width <= 1 else { throw .widthOutOfRange(width) }
        guard repeats.a >= 1 && repeats.b >= 1 && repeats.c >= 1 else { throw .invalidRepeats(repeats) }
        guard inputChannels >= 1 else { throw .invalidInputChannels(inputChannels) }
        guard classes >= 2 else { throw .invalidClasses(classes) }
        if let s = residualScales {
            guard model.isResidual else { throw .residualScalesWithoutResidualBlocks(model) }
            guard [s.a, s.b, s.c].allSatisfy({ $0.isFinite && $0 > 0 }) else { throw .invalidResidualScales(s) }
        }
        guard dropoutKeep > 0 && dropoutKeep <= 1 else { throw .invalidDropoutKeep(dropoutKeep) }
        guard batchNormDecay >= 0 && batchNormDecay < 1 else { throw .invalidBatchNormDecay(batchNormDecay) }
        try validateResidualScaling()
        guard Self.layoutFits(model: model, stem: stem, inputSize: inputSize) else {
            throw .inputTooSmall(model: model, stem: stem, size: inputSize,
                                 minimum: Self.minimumInputSize(model: model, stem: stem))
        }
    }

    /// Checks the extra BatchNorm, the learned scales and the reparametrisation of the residual branches.
    private func validateResidualScaling() throws(ModelError) {
        if prePoolBatchNorm && model.prePoolLayerHasBatchNorm { throw .prePoolBatchNormPresent(model) }
        if !model.isResidual {
            let given: [(ModelSetting, Bool)] = [
                (.residualScaleMode, residualScaleMode.isLearned),
                (.residualBranchInitScale, residualBranchInitScale != 1),
                (.residualBranchLearningRateMultiplier, residualBranchLearningRateMultiplier != 1),
            ]
            if let (setting, _) = given.first(where: { $0.1 }) {
                throw .residualSettingWithoutResidualBlocks(setting, model)
            }
        }
        switch (residualScaleMode.isLearned, residualScaleInit) {
        case (false, .some): throw .residualScaleInitWithoutLearnedScales
        case (true, .none): throw .residualScaleInitMissing(residualScaleMode)
        case (true, .some(let v)) where !v.isFinite || v < 0:
            throw .invalidSetting(.residualScaleInit, v, expected: "a finite value ≥ 0, such as 0.1")
        default: break
        }
        guard residualBranchInitScale.isFinite && residualBranchInitScale > 0 else {
            throw .invalidSetting(.residualBranchInitScale, residualBranchInitScale,
                                  expected: "a finite factor > 0 (1 keeps the initial weights)")
        }
        guard residualBranchLearningRateMultiplier.isFinite && residualBranchLearningRateMultiplier >= 0 else {
            throw .invalidSetting(.residualBranchLearningRateMultiplier, residualBranchLearningRateMultiplier,
                                  expected: "a finite factor ≥ 0 (1 keeps the schedule's rate, 0 freezes the "
                                      + "expansions)")
        }
    }

    /// This configuration with fixed residual scales instead of learned ones: the network
    /// `Model.foldingLearnedScales()` returns.
    public var withFixedScales: ModelConfig {
        var c = self
        c.residualScaleMode = .fixed
        c.residualScaleInit = nil
        return c
    }

    /// The smallest square input side the layout of `model` with `stem` accepts, found by building the layout
    /// (one channel per layer, one block per stage) for growing sizes until every window fits.
    /// (75 for every paper stem, 15 for the compact stem.)
    public static func minimumInputSize(model: ModelName, stem: Stem) -> Int {
        guard let size = (1...4096).first(where: { layoutFits(model: model, stem: stem, inputSize: $0) }) else {
            preconditionFailure("no input up to 4096×4096 fits \(model)")
        }
        return size
    }

    /// Whether every convolution and pooling window of the layout fits a `inputSize`-square input. Cheap: builds
    /// the layout with one channel per layer and one block per stage, and no activation memory.
    static func layoutFits(model: ModelName, stem: Stem, inputSize: Int) -> Bool {
        let probe = ModelConfig(model: model, width: .leastNonzeroMagnitude, repeats: Repeats(1, 1, 1), stem: stem,
                                inputSize: inputSize, inputChannels: 1, classes: 2)
        do {
            let b = Builder(config: probe, seed: 0)
            _ = try b.build(Layout(probe, b))
            return true
        } catch {
            return false
        }
    }
}
