/// A trained network compiled for inference: the same function as `Network.forward(_:mode: .inference)` up to
/// rounding, with less work and memory.
///
/// - Every convolution followed by a BatchNorm in a sequence (the `conv → bn` units) becomes one convolution with
///   the BatchNorm's moving statistics folded into its weights and bias and the ReLU fused into its epilogue
///   (`Conv2D.folded`); a residual block's fixed scale `s` and learned scale `γ` are folded into its expansion,
///   leaving the merge `y = x + L'(F(x))` (then ReLU).
/// - The folded convolutions have no gradients; nothing here allocates optimizer state or backward buffers.
/// - Activations live in one arena used as a stack: a sequence's intermediate outputs alternate between two
///   buffers, a residual block holds its branch and expansion outputs, and a nested block takes its own buffers
///   above its parent's, so memory is reused across layers wherever the graph allows. Concatenation branches
///   write straight into their channel slice of the output.
///
/// The network is a snapshot: folded convolutions hold copies of the weights at compile time, while the other
/// layers (pooling, the pre-pool BatchNorm, the classifier) are the trained network's own. Compile again after
/// the weights change. Threading: one caller at a time.
public final class InferenceNetwork {
    /// The compiled graph.
    indirect enum Node {
        /// A layer run in `.inference` mode.
        case layer(any Layer)
        /// Nodes one after another, intermediate outputs in the arena.
        case sequence([Node])
        /// Nodes on the same input, each writing its channel slice of the output.
        case concat([Node])
        /// `y = x + L(F(x))`, then ReLU if `relu`, with the scales already folded into `L`.
        case residual(branch: Node, expansion: Conv2D, relu: Bool)

        var outputShape: Shape {
            switch self {
            case .layer(let l): l.outputShape
            case .sequence(let nodes): nodes[nodes.count - 1].outputShape
            case .concat(let nodes):
                Shape(nodes[0].outputShape.height, nodes[0].outputShape.width,
                      nodes.reduce(0) { $0 + $1.outputShape.channels })
            case .residual(_, let expansion, _): expansion.outputShape
            }
        }

        /// Arena floats per image this node needs while it runs (its own buffers plus its children's).
        var arenaFloats: Int {
            switch self {
            case .layer:
                return 0
            case .sequence(let nodes):
                let buffers = min(nodes.count - 1, 2) * nodes.dropLast().map(\.outputShape.count).max(or: 0)
                return buffers + nodes.map(\.arenaFloats).max(or: 0)
            case .concat(let nodes):
                return nodes.map(\.arenaFloats).max(or: 0)
            case .residual(let branch, let expansion, _):
                return branch.outputShape.count + expansion.outputShape.count + branch.arenaFloats
            }
        }
    }

    private let root: Node
    public let inputShape: Shape
    private let logits: Tensor
    /// The activation arena: one "image" of `root.arenaFloats` floats per image of the batch.
    private let arena: Tensor

    /// Compiles the network's layers as they are now (see the type's description).
    public init(_ network: Network) {
        inputShape = network.inputShape
        logits = Tensor(shape: network.root.outputShape)
        // One workspace for the im2col matrices of the folded convolutions.
        root = Self.compile(network.root, workspace: Workspace())
        arena = Tensor(shape: Shape(1, 1, max(1, root.arenaFloats)))
    }

    /// Activation memory for a batch of `batch` images, in bytes (the arena; logits excluded).
    public func activationBytes(batch: Int) -> Int { batch * arena.shape.count * MemoryLayout<Float>.stride }

    /// Runs the network on `images` (`[batch, H, W, C]` of `inputShape`) and returns the logits `[batch, 1, 1, K]`,
    /// valid until the next call.
    @discardableResult
    public func forward(_ images: TensorView) -> TensorView {
        precondition(images.shape == inputShape, "the network takes \(inputShape) images, not \(images.shape)")
        let out = logits.view(batch: images.batch)
        let scratch = arena.view(batch: images.batch)
        run(root, images, into: out, arena: scratch.base, storage: scratch.storage)
        return out
    }

    /// Runs `node` from `x` into `y`, with the arena free from `top` up.
    private func run(_ node: Node, _ x: TensorView, into y: TensorView, arena top: UnsafeMutablePointer<Float>,
                     storage: TensorStorage?) {
        let view = { (base: UnsafeMutablePointer<Float>, shape: Shape) in
            TensorView(base: base, batch: x.batch, shape: shape, storage: storage)
        }
        switch node {
        case .layer(let layer):
            layer.forward(x, into: y, mode: .inference)
        case .sequence(let nodes):
            let size = x.batch * nodes.dropLast().map(\.outputShape.count).max(or: 0)
            let buffers = [top, top + size]
            let above = top + min(nodes.count - 1, 2) * size
            var current = x
            for (i, n) in nodes.enumerated() {
                let out = i == nodes.count - 1 ? y : view(buffers[i % 2], n.outputShape)
                run(n, current, into: out, arena: above, storage: storage)
                current = out
            }
        case .concat(let nodes):
            var start = 0
            for n in nodes {
                let c = n.outputShape.channels
                run(n, x, into: y.channels(start, count: c), arena: top, storage: storage)
                start += c
            }
        case .residual(let branch, let expansion, let relu):
            let f = view(top, branch.outputShape)
            let l = view(top + f.count, expansion.outputShape)
            run(branch, x, into: f, arena: top + f.count + l.count, storage: storage)
            expansion.forward(f, into: l, mode: .inference)
            Residual.merge(x, l, into: y, scale: 1, relu: relu)
        }
    }

    /// The node of `layer`, folding as described on the type.
    private static func compile(_ layer: any Layer, workspace: Workspace) -> Node {
        switch layer {
        case let s as Sequential:
            var nodes: [Node] = []
            var rest = s.layers.map(\.layer)[...]
            while let first = rest.popFirst() {
                if let conv = first as? Conv2D, let bn = rest.first as? BatchNorm {
                    rest.removeFirst()
                    nodes.append(.layer(fold(bn, into: conv, workspace: workspace)))
                } else {
                    nodes.append(compile(first, workspace: workspace))
                }
            }
            return nodes.count == 1 ? nodes[0] : .sequence(nodes)
        case let c as Concat:
            return .concat(c.branches.map { compile($0.layer, workspace: workspace) })
        case let r as Residual:
            let n = r.expansion.outputShape.channels
            let gamma = r.learnedScale.map { g in (0..<n).map { g.gamma.value[g.perChannel ? $0 : 0] } }
            let scale = (gamma ?? Array(repeating: 1, count: n)).map { r.scale * $0 }
            return .residual(branch: compile(r.branch, workspace: workspace),
                             expansion: r.expansion.folded(scale: scale, shift: Array(repeating: 0, count: n),
                                                           relu: false, workspace: workspace),
                             relu: r.relu)
        default:
            return .layer(layer)
        }
    }

    /// `conv` then `bn` in inference mode as one convolution: `bn`'s `y = γ·(z − μ)/√(σ² + ε) + β` (then ReLU) on
    /// the convolution's output `z`, with the moving statistics `μ`, `σ²`.
    private static func fold(_ bn: BatchNorm, into conv: Conv2D, workspace: Workspace) -> Conv2D {
        let c = bn.inputShape.channels
        let scale = (0..<c).map { bn.gamma.value[$0] * (1 / (bn.movingVariance.value[$0] + bn.epsilon).squareRoot()) }
        let shift = (0..<c).map { bn.beta.value[$0] - bn.movingMean.value[$0] * scale[$0] }
        return conv.folded(scale: scale, shift: shift, relu: bn.relu, workspace: workspace)
    }
}

private extension Array where Element == Int {
    /// The largest element, or `empty` for an empty array.
    func max(or empty: Int) -> Int { self.max() ?? empty }
}
