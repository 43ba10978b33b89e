/// The residual merge of the Inception-ResNet blocks, `Res(F, s, relu)` of architecture.md §1:
/// `y = x + s · L(F(x))`, then ReLU if `relu`, where `L` is a 1×1 convolution with bias that expands `F`'s
/// output back to the input width. No BatchNorm on the sum.
public final class Residual: Layer {
    public let branch: any Layer
    public let expansion: Conv2D
    /// The residual scale `s` (1.0 means unscaled).
    public let scale: Float
    public let relu: Bool
    private let branchOutput, expanded: Tensor
    private let branchGradient, expandedGradient: Tensor
    private var output: TensorView?
    /// Times the branch, the expansion and the merge when set (see `Network.profiler`).
    public var profiler: Profiler?

    public init(branch: any Layer, scale: Float, relu: Bool = true, workspace: Workspace, rng: inout RandomGenerator) {
        self.branch = branch
        self.scale = scale
        self.relu = relu
        expansion = Conv2D(input: branch.outputShape, outputChannels: branch.inputShape.channels, kernel: (1, 1),
                           bias: true, workspace: workspace, rng: &rng)
        precondition(expansion.outputShape == branch.inputShape, "the residual branch must keep the spatial size")
        branchOutput = Tensor(shape: branch.outputShape)
        branchGradient = Tensor(shape: branch.outputShape)
        expanded = Tensor(shape: branch.inputShape)
        expandedGradient = Tensor(shape: branch.inputShape)
    }

    public var inputShape: Shape { branch.inputShape }
    public var outputShape: Shape { branch.inputShape }
    public var children: [(name: String, layer: any Layer)] { [("branch", branch), ("expand", expansion)] }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        output = y
        let f = branchOutput.view(batch: x.batch), r = expanded.view(batch: x.batch)
        profiler.forward(branch, x, into: f, mode: mode)
        profiler.forward(expansion, f, into: r, mode: mode)
        let c = outputShape.channels, s = scale
        profiler.measure(.residualMerge) {
            let floor: Float = relu ? 0 : -.infinity
            let contiguous = x.isContiguous && y.isContiguous
            let chunks = RowChunks(rows: x.rows, channels: c, contiguous: contiguous)
            chunks.forEachGroup(channels: c, floats: x.count) { row, w in
                let p = x.pixel(row), q = y.pixel(row), e = r.pixel(row)
                var j = 0
                while j + 8 <= w {
                    q.setVector(clamped(p.vector(at: j) + s * e.vector(at: j), below: floor), at: j)
                    j += 8
                }
                while j < w { q[j] = max(floor, p[j] + s * e[j]); j += 1 }
            }
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let y = output else { preconditionFailure("backward before forward") }
        let c = outputShape.channels, s = scale
        let dr = expandedGradient.view(batch: dy.batch), df = branchGradient.view(batch: dy.batch)
        // g = dy masked by the ReLU; ∂L/∂x gets g directly (the identity path) and ∂L/∂r = s·g.
        profiler.measure(.residualMerge) {
            let relu = self.relu
            let contiguous = dy.isContiguous && y.isContiguous && (dx?.isContiguous ?? true)
            let chunks = RowChunks(rows: dy.rows, channels: c, contiguous: contiguous)
            chunks.forEachGroup(channels: c, floats: dy.count) { row, w in
                let g = dy.pixel(row), o = y.pixel(row), d = dr.pixel(row), q = dx?.pixel(row)
                var j = 0
                while j + 8 <= w {
                    var gv = g.vector(at: j)
                    if relu { gv.replace(with: 0, where: o.vector(at: j) .<= 0) }
                    if let q { q.setVector(accumulate ? q.vector(at: j) + gv : gv, at: j) }
                    d.setVector(s * gv, at: j)
                    j += 8
                }
                while j < w {
                    let gi = relu && o[j] <= 0 ? 0 : g[j]
                    if let q { q[j] = accumulate ? q[j] + gi : gi }
                    d[j] = s * gi
                    j += 1
                }
            }
        }
        profiler.backward(expansion, dr, into: df, accumulate: false)
        profiler.backward(branch, df, into: dx, accumulate: true)
    }
}
