import Engine

/// A layer not built yet: it is built for the shape its predecessor turns out to produce, so blocks can be
/// written as formulas (`b.concat(b.unit(96), b.seq(b.unit(64), b.unit(96, (3, 3))))`) without tracking shapes.
struct Recipe {
    let build: (Shape) throws(LayoutError) -> any Layer
}

/// A window that does not fit its input: the layout is too deep for the image size.
struct LayoutError: Error, CustomStringConvertible {
    let input: Shape
    let kernel: (Int, Int)

    var description: String { "a \(kernel.0)×\(kernel.1) window does not fit a \(input) input" }
}

/// Builds the layers of one network: holds the width multiplier, the BatchNorm decay, the residual blocks'
/// settings, the network's one `Workspace` and the one generator every weight is drawn from, in build order (so a
/// seed fixes all weights).
///
/// Notation (docs/models.md#building-blocks): `unit(n, k, stride:, padding:)` is `C(n, k, s, P)`, `seq` is `[x → y]`,
/// `concat` is `a ‖ b ‖ …`, `residual` is `Res(F, s, relu)`, `maxPool` is `MP`, `avgPool` is `AP`.
final class Builder {
    let width: Double
    let batchNormDecay: Float
    let residualScaleMode: ResidualScaleMode
    let residualScaleInit: Float
    let branchInitScale, branchLearningRateMultiplier: Float
    let workspace = Workspace()
    var rng: RandomGenerator

    init(config: ModelConfig, seed: UInt64) {
        width = config.width
        batchNormDecay = Float(config.batchNormDecay)
        residualScaleMode = config.residualScaleMode
        residualScaleInit = Float(config.residualScaleInit ?? 0)
        branchInitScale = Float(config.residualBranchInitScale)
        branchLearningRateMultiplier = Float(config.residualBranchLearningRateMultiplier)
        rng = RandomGenerator(seed: seed)
    }

    /// A written channel count scaled by the width multiplier: `max(1, floor(c·α + 0.5))`.
    func channels(_ c: Int) -> Int { max(1, Int((Double(c) * width + 0.5).rounded(.down))) }

    /// Builds `layout` as one `Sequential` of its named top-level blocks.
    func build(_ layout: Layout) throws(LayoutError) -> Sequential {
        try named(layout.blocks).build(layout.inputShape) as! Sequential
    }

    /// `C(n, kh×kw, s, P)`: convolution without bias → BatchNorm → ReLU, named `conv` and `bn`.
    func unit(_ n: Int, _ k: (Int, Int) = (1, 1), stride: Int = 1, padding: Padding = .same) -> Recipe {
        Recipe { [self] input throws(LayoutError) in
            try fit(k, padding, input)
            let conv = Conv2D(input: input, outputChannels: channels(n), kernel: k, stride: stride, padding: padding,
                              workspace: workspace, rng: &rng)
            return Sequential(named: [("conv", conv),
                                      ("bn", BatchNorm(shape: conv.outputShape, relu: true, decay: batchNormDecay))])
        }
    }

    /// `MP`: max-pool 3×3, stride 2, VALID.
    var maxPool: Recipe {
        Recipe { [self] input throws(LayoutError) in
            try fit((3, 3), .valid, input)
            return MaxPool(input: input)
        }
    }

    /// `AP`: average-pool 3×3, stride 1, SAME, padding excluded from the mean.
    var avgPool: Recipe { Recipe { AvgPool(input: $0) } }

    /// `[x → y → …]`, children named by position.
    func seq(_ parts: Recipe...) -> Recipe { named(parts.enumerated().map { (String($0.offset), $0.element) }) }

    /// A sequence of named parts (the top level of a model).
    func named(_ parts: [(name: String, recipe: Recipe)]) -> Recipe {
        Recipe { input throws(LayoutError) in
            var layers: [(name: String, layer: any Layer)] = []
            var shape = input
            for part in parts {
                let layer = try part.recipe.build(shape)
                layers.append((part.name, layer))
                shape = layer.outputShape
            }
            return Sequential(named: layers)
        }
    }

    /// `a ‖ b ‖ …`: branches on the same input, concatenated along channels, named `branch0`, `branch1`, ….
    func concat(_ branches: Recipe...) -> Recipe {
        Recipe { input throws(LayoutError) in
            var layers: [any Layer] = []
            for branch in branches { layers.append(try branch.build(input)) }
            return Concat(layers)
        }
    }

    /// `Res(F, s, relu)`: `x + s·L(F(x))`, then ReLU if `relu`, with `L` the 1×1 expansion (with bias) back to
    /// the input width; `x + s·γ ⊙ L(F(x))` with learned scales `γ` (named `scale`). `L`'s initial weights are
    /// multiplied by the branch init scale and its learning rate by the branch multiplier.
    func residual(_ branch: Recipe, scale: Double, relu: Bool = true) -> Recipe {
        Recipe { [self] input throws(LayoutError) in
            let learned = residualScaleMode.isLearned
                ? ChannelScale(shape: input, perChannel: residualScaleMode == .layerscale,
                               initialValue: residualScaleInit)
                : nil
            let block = Residual(branch: try branch.build(input), scale: Float(scale), relu: relu,
                                 learnedScale: learned, workspace: workspace, rng: &rng)
            let expansion = block.expansion
            for i in expansion.weight.value.indices { expansion.weight.value[i] *= branchInitScale }
            for p in expansion.ownParameters { p.learningRateMultiplier = branchLearningRateMultiplier }
            return block
        }
    }

    /// BatchNorm followed by ReLU on the input's channels (the extra pre-pool BatchNorm).
    var batchNorm: Recipe { Recipe { [self] in BatchNorm(shape: $0, relu: true, decay: batchNormDecay) } }

    /// Global average pooling, `H×W×C → 1×1×C`.
    var globalPool: Recipe { Recipe { GlobalAvgPool(input: $0) } }

    /// Dropout keeping each feature with probability `keep` in training; its mask generator is seeded from the
    /// network's generator.
    func dropout(keep: Double) -> Recipe {
        Recipe { [self] input in Dropout(shape: input, keep: Float(keep), seed: rng.next()) }
    }

    /// Fully connected layer with bias to `outputs` (not scaled by the width multiplier).
    func dense(_ outputs: Int) -> Recipe {
        Recipe { [self] input in Dense(input: input, outputs: outputs, rng: &rng) }
    }

    /// Throws unless a `k` window with `padding` fits `input` (SAME always fits).
    private func fit(_ k: (Int, Int), _ padding: Padding, _ input: Shape) throws(LayoutError) {
        guard padding == .same || (input.height >= k.0 && input.width >= k.1) else {
            throw LayoutError(input: input, kernel: k)
        }
    }
}

extension Builder {
    /// `(C(n,1×3) ‖ C(n,3×1))`: the split 3×3 at the end of the Inception-C branches (v3 and v4).
    func split3(_ n: Int) -> Recipe { concat(unit(n, (1, 3)), unit(n, (3, 1))) }
}
