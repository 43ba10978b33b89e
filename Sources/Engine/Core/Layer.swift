/// A differentiable layer with an explicit forward and backward pass over NHWC batches.
///
/// A layer is built for one input shape (per image) and works for any batch size. It owns its parameters and
/// whatever it keeps between `forward` and `backward`; its output and input-gradient memory belong to the caller,
/// which lets a concatenation hand each branch its channel slice (see `TensorView`).
///
/// Threading: a layer is used by one thread at a time. Kernels inside may use OpenBLAS's threads.
public protocol Layer: AnyObject {
    /// Shape of one input image.
    var inputShape: Shape { get }
    /// Shape of one output image.
    var outputShape: Shape { get }

    /// Computes the output for the batch `x` (shape `inputShape`) into `y` (same batch, shape `outputShape`;
    /// `y` may be a strided channel slice and must not overlap `x`). In `.training` mode the layer keeps what
    /// `backward` needs until the next `forward`.
    func forward(_ x: TensorView, into y: TensorView, mode: Mode)

    /// Given `dy = ∂L/∂y` for the batch of the last `forward`, writes the gradients of the layer's own
    /// parameters (overwriting them) and `∂L/∂x` into `dx`, adding to what `dx` holds when `accumulate` is true.
    /// `dx` is nil when no input gradient is needed (the first layer of a network).
    func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool)

    /// Named sub-layers, in execution order (empty for a leaf). Parameter names and summaries follow this tree.
    var children: [(name: String, layer: any Layer)] { get }
    /// Parameters and state buffers of this layer itself, not of its children.
    var ownParameters: [Parameter] { get }
    /// Multiply-adds per image of this layer itself (convolutions and fully connected layers only, as
    /// docs/models.md#counting-parameters-and-multiply-adds counts them).
    var ownMACs: Int { get }
}

extension Layer {
    public var children: [(name: String, layer: any Layer)] { [] }
    public var ownParameters: [Parameter] { [] }
    public var ownMACs: Int { 0 }

    /// Every parameter and state buffer of the subtree with its dotted path (`block.branch1.conv.weight`).
    public func namedParameters(prefix: String = "") -> [(name: String, parameter: Parameter)] {
        let dot = prefix.isEmpty ? "" : prefix + "."
        return ownParameters.map { (dot + $0.name, $0) }
            + children.flatMap { $0.layer.namedParameters(prefix: dot + $0.name) }
    }

    /// The trainable parameters of the subtree.
    public var parameters: [Parameter] { namedParameters().map(\.parameter).filter(\.isTrainable) }
    /// Number of trainable scalars (BatchNorm moving statistics are state, not parameters).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    /// Multiply-adds per image of the subtree.
    public var macs: Int { ownMACs + children.reduce(0) { $0 + $1.layer.macs } }

    /// Every layer of the subtree, depth first, this one included.
    public var allLayers: [any Layer] { [self] + children.flatMap { $0.layer.allLayers } }
}
