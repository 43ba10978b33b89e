import CKernels

/// The residual merge of the Inception-ResNet blocks, `Res(F, s, relu)` of docs/models.md#residual-scaling:
/// `y = x + s · L(F(x))`, then ReLU if `relu`, where `L` is a 1×1 convolution with bias that expands `F`'s
/// output back to the input width. No BatchNorm on the sum. With a learned scale `γ` (`ChannelScale`: LayerScale
/// or ReZero) the merge is `y = x + s · γ ⊙ L(F(x))`.
public final class Residual: Layer {
    public let branch: any Layer
    public let expansion: Conv2D
    /// The fixed residual scale `s` (1.0 means unscaled).
    public let scale: Float
    /// The learned scale `γ` applied to `L(F(x))` before the fixed one, nil for none.
    public let learnedScale: ChannelScale?
    public let relu: Bool
    private let branchOutput, expanded: Tensor
    private let branchGradient, expandedGradient: Tensor
    /// `γ ⊙ L(F(x))` and its gradient, with a learned scale.
    private let scaled: (output: Tensor, gradient: Tensor)?
    private var output: TensorView?
    /// Times the branch, the expansion and the merge when set (see `Network.profiler`).
    public var profiler: Profiler?

    /// - Parameter learnedScale: a learned scale over the input's shape, or nil.
    public init(branch: any Layer, scale: Float, relu: Bool = true, learnedScale: ChannelScale? = nil,
                workspace: Workspace, rng: inout RandomGenerator) {
        self.branch = branch
        self.scale = scale
        self.relu = relu
        self.learnedScale = learnedScale
        expansion = Conv2D(input: branch.outputShape, outputChannels: branch.inputShape.channels, kernel: (1, 1),
                           bias: true, workspace: workspace, rng: &rng)
        precondition(expansion.outputShape == branch.inputShape, "the residual branch must keep the spatial size")
        precondition(learnedScale.map { $0.inputShape == branch.inputShape } ?? true,
                     "the learned scale must have the block's shape")
        branchOutput = Tensor(shape: branch.outputShape)
        branchGradient = Tensor(shape: branch.outputShape)
        expanded = Tensor(shape: branch.inputShape)
        expandedGradient = Tensor(shape: branch.inputShape)
        scaled = learnedScale.map { _ in (Tensor(shape: branch.inputShape), Tensor(shape: branch.inputShape)) }
    }

    public var inputShape: Shape { branch.inputShape }
    public var outputShape: Shape { branch.inputShape }
    public var children: [(name: String, layer: any Layer)] {
        [("branch", branch), ("expand", expansion)] + (learnedScale.map { [("scale", $0)] } ?? [])
    }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        output = y
        let f = branchOutput.view(batch: x.batch), l = expanded.view(batch: x.batch)
        let r = scaled?.output.view(batch: x.batch) ?? l
        profiler.forward(branch, x, into: f, mode: mode)
        profiler.forward(expansion, f, into: l, mode: mode)
        if let learnedScale { profiler.forward(learnedScale, l, into: r, mode: mode) }
        profiler.measure(.residualMerge) { Self.merge(x, r, into: y, scale: scale, relu: relu) }
    }

    /// The merge `y = x + s·r`, then ReLU if `relu`, over views of one shape (`y` must not overlap `r`; it may be
    /// `x` itself).
    static func merge(_ x: TensorView, _ r: TensorView, into y: TensorView, scale s: Float, relu: Bool) {
        let floor: Float = relu ? 0 : -.infinity
        let contiguous = x.isContiguous && y.isContiguous && r.isContiguous
        RowChunks(rows: x.rows, channels: x.shape.channels, contiguous: contiguous).forEach(floats: x.count) { p in
            ck_residual_merge(p, x.base, x.pixelStride, r.base, r.pixelStride, y.base, y.pixelStride, s, floor)
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let y = output else { preconditionFailure("backward before forward") }
        let c = outputShape.channels, s = scale
        let dl = expandedGradient.view(batch: dy.batch), df = branchGradient.view(batch: dy.batch)
        let dr = scaled?.gradient.view(batch: dy.batch) ?? dl
        // g = dy masked by the ReLU; ∂L/∂x gets g directly (the identity path) and ∂L/∂r = s·g, where r is the
        // expanded branch, scaled by γ when learned.
        profiler.measure(.residualMerge) {
            let relu: Int32 = relu ? 1 : 0, accumulate: Int32 = accumulate ? 1 : 0
            let contiguous = dy.isContiguous && y.isContiguous && dr.isContiguous && (dx?.isContiguous ?? true)
            RowChunks(rows: dy.rows, channels: c, contiguous: contiguous).forEach(floats: dy.count) { p in
                ck_residual_split(p, dy.base, dy.pixelStride, y.base, y.pixelStride, relu, s, dx?.base,
                                  dx?.pixelStride ?? 0, accumulate, dr.base, dr.pixelStride)
            }
        }
        if let learnedScale { profiler.backward(learnedScale, dr, into: dl, accumulate: false) }
        profiler.backward(expansion, dl, into: df, accumulate: false)
        profiler.backward(branch, df, into: dx, accumulate: true)
    }
}
