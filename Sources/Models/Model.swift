import Engine

/// A built network of the family: the engine `Network` of a validated `ModelConfig`, its named top-level
/// blocks, and the activations a trainer probes.
///
/// The root is a `Sequential` of the blocks `stem`, (`mixed_5b`,) `inception_a1` … `reduction_a`,
/// `inception_b1` … `reduction_b`, `inception_c1` …, (`final_conv`,) `pool`, `dropout`, `logits`. Parameter
/// names are dotted paths through it (`inception_a1.branch1.0.conv.weight`, `inception_b3.expand.bias`).
/// Building draws every weight from one `RandomGenerator(seed:)` in a fixed order, so a seed fixes the network.
public final class Model {
    /// The validated configuration the network was built from.
    public let config: ModelConfig
    /// The seed every weight (and the dropout mask generator's seed) was drawn from.
    public let seed: UInt64
    /// The top-level blocks, in order; the network's root.
    public let root: Sequential
    /// The engine network over `root`: images `[batch, inputSize, inputSize, inputChannels]` → logits
    /// `[batch, 1, 1, classes]`.
    public let network: Network
    /// The last activation before global average pooling (`H×W×C`, e.g. 8×8×1536 for full-size Inception-v4):
    /// the layer the paper saw "die" (produce only zeros) in unscaled wide residual networks.
    public let prePool: Probe
    /// The outputs of the A, B and C stages (after the last block of each), in that order.
    public let stageOutputs: [Probe]
    /// The learned residual scales `γ` of the A, B and C stages, one parameter per residual block, in that order
    /// (`residualScaleMode` layerscale or rezero; empty lists otherwise).
    public let learnedScales: [[Parameter]]

    /// An activation of the root that a trainer can read after a forward pass with `activation(_:)`.
    public struct Probe: Hashable, Sendable {
        /// Name of the top-level block whose output this is.
        public let name: String
        /// Index of that block in `root.layers` (for `Sequential.activation(after:)`).
        public let index: Int
        /// Shape of one image of the activation.
        public let shape: Shape
    }

    /// Validates `config` and builds the network with weights drawn from `seed`. Allocates the weights (4 bytes
    /// per parameter; 223 MB for full-size `inception-resnet-v2`) and as much for their gradients, which take
    /// memory only once a backward pass writes them; activation memory is
    /// allocated by the first forward pass.
    public init(_ config: ModelConfig, seed: UInt64) throws(ModelError) {
        try config.validate()
        self.config = config
        self.seed = seed
        let b = Builder(config: config, seed: seed)
        let layout = Layout(config, b)
        do {
            root = try b.build(layout)
        } catch {
            preconditionFailure("validated \(config.model) layout does not build: \(error)")
        }
        network = Network(root: root)
        // The layout, not the configuration, names the blocks: a missing one is a bug in `Layout`.
        let index = { [root] (name: String) -> Int in
            guard let index = root.layers.firstIndex(where: { $0.name == name }) else {
                preconditionFailure("the \(config.model) layout has no block '\(name)' to probe")
            }
            return index
        }
        let probe = { [root] (index: Int) in
            Probe(name: root.layers[index].name, index: index, shape: root.layers[index].layer.outputShape)
        }
        stageOutputs = layout.stageEnds.map { probe(index($0)) }
        prePool = probe(index("pool") - 1)
        let layers = Dictionary(uniqueKeysWithValues: root.layers.map { ($0.name, $0.layer) })
        learnedScales = layout.stages.map { names in
            names.compactMap { (layers[$0] as? Residual)?.learnedScale?.gamma }
        }
    }

    /// The same function with fixed residual scales: a network of `config.withFixedScales` holding this one's
    /// parameters and statistics, with each block's learned scale `γ` folded into its expansion `L`
    /// (`s·γ ⊙ (W·f + b) = s·((W·diag γ)·f + γ ⊙ b)`: output channel `c` of `L`'s weights and bias times
    /// `γ[c]`).
    /// Outputs equal this network's up to rounding. This network itself when it learns no scales.
    public func foldingLearnedScales() -> Model {
        guard config.residualScaleMode.isLearned else { return self }
        let folded: Model
        do {
            folded = try Model(config.withFixedScales, seed: seed)
        } catch {
            preconditionFailure("the fixed-scale version of a valid configuration is valid: \(error)")
        }
        let source = Dictionary(uniqueKeysWithValues: network.namedParameters.map { ($0.name, $0.parameter) })
        for (name, p) in folded.network.namedParameters {
            guard let parameter = source[name] else {
                preconditionFailure("the fixed-scale network's parameter \(name) is one of this network's")
            }
            _ = p.value.update(fromContentsOf: parameter.value)
        }
        for ((_, layer), (_, target)) in zip(blocks, folded.blocks) {
            guard let block = layer as? Residual, let gamma = block.learnedScale?.gamma.value,
                  let expansion = (target as? Residual)?.expansion, let bias = expansion.bias else { continue }
            let channels = expansion.outputShape.channels
            let scale = { (c: Int) in gamma[gamma.count == 1 ? 0 : c] }
            for i in expansion.weight.value.indices { expansion.weight.value[i] *= scale(i % channels) }
            for c in 0..<channels { bias.value[c] *= scale(c) }
        }
        return folded
    }

    /// The top-level blocks with their names.
    public var blocks: [(name: String, layer: any Layer)] { root.layers }

    /// Trainable parameters of the whole network (BatchNorm moving statistics excluded).
    public var parameterCount: Int { root.parameterCount }

    /// Multiply-adds per image of the convolutions and the fully connected layer.
    public var macs: Int { root.macs }

    /// The probed activation of the last forward pass, `[batch, H, W, C]` of `probe.shape`.
    public func activation(_ probe: Probe) -> TensorView { root.activation(after: probe.index) }

    /// One row per top-level block, counted from the built layers.
    public func summary() -> ModelSummary {
        ModelSummary(config: config, inputShape: root.inputShape,
                     blocks: root.layers.map { .init(name: $0.name, outputShape: $0.layer.outputShape,
                                                     parameters: $0.layer.parameterCount, macs: $0.layer.macs) },
                     parameters: parameterCount, macs: macs)
    }
}
