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

/// One member of the model family of architecture.md §5: which network, how wide, how deep, on what images.
///
/// Residual scales: a residual network built without explicit scales gets `ModelName.defaultResidualScales`
/// (0.17 / 0.10 / 0.20 for `inception-resnet-v2` as in the public code, 1.0 for the other two). The initialiser
/// fills them in, so two configurations that build the same network compare (and hash) equal.
///
/// Decoding accepts any subset of the keys besides `model`; the missing ones take the defaults below.
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

    /// The paper's full-size configuration (299×299×3, 1000 classes, paper stem) unless told otherwise.
    public init(model: ModelName, width: Double = 1, repeats: Repeats? = nil, stem: Stem = .paper,
                inputSize: Int = 299, inputChannels: Int = 3, classes: Int = 1000,
                residualScales: ResidualScales? = nil, dropoutKeep: Double = 0.8, batchNormDecay: Double = 0.99) {
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
    }

    private enum CodingKeys: String, CodingKey {
        case model, width, repeats, stem, inputSize, inputChannels, classes, residualScales, dropoutKeep,
             batchNormDecay
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
                      ?? defaults.batchNormDecay)
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
        guard Self.layoutFits(model: model, stem: stem, inputSize: inputSize) else {
            throw .inputTooSmall(model: model, stem: stem, size: inputSize,
                                 minimum: Self.minimumInputSize(model: model, stem: stem))
        }
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
