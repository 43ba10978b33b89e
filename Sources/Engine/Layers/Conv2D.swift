/// 2-D convolution over NHWC input with an HWIO kernel `[kh, kw, cin, cout]` and an optional bias.
///
/// Forward is one GEMM over the whole batch: `y[M, cout] = col[M, K] · W[K, cout]` with `M = batch·oh·ow` and
/// `K = kh·kw·cin`, where `col` is the im2col matrix — or, for a 1×1 stride-1 kernel, the input itself read in
/// place. Backward recomputes `col` into the shared workspace, forms `dW = colᵀ · dy`, then reuses the same
/// workspace for `dcol = dy · Wᵀ` and folds it back with col2im. With at most 4 input channels `dW` comes from
/// `DirectConvolution` instead, which reads `x` in place (no im2col in backward). `y`, `x` and `dx` may all be strided slices.
public final class Conv2D: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    public let window: Window
    public let weight: Parameter
    public let bias: Parameter?
    private let workspace: Workspace
    private var input: TensorView?

    /// - Parameters:
    ///   - kernel: (height, width) of the kernel.
    ///   - rng: draws the Glorot-uniform weights (see `Initializer`).
    public init(input: Shape, outputChannels: Int, kernel: (Int, Int), stride: Int = 1, padding: Padding = .same,
                bias: Bool = false, workspace: Workspace, rng: inout RandomGenerator) {
        window = Window(input: input, kernelHeight: kernel.0, kernelWidth: kernel.1, stride: stride, padding: padding)
        precondition(window.fits, "a \(kernel.0)×\(kernel.1) convolution does not fit a \(input) input")
        inputShape = input
        outputShape = Shape(window.outputHeight, window.outputWidth, outputChannels)
        weight = Parameter(name: "weight", dimensions: [kernel.0, kernel.1, input.channels, outputChannels], role: .weight)
        Initializer.glorotUniform(weight, fanIn: window.taps * input.channels, fanOut: window.taps * outputChannels,
                                  using: &rng)
        self.bias = bias ? Parameter(name: "bias", dimensions: [outputChannels], role: .bias) : nil
        self.workspace = workspace
    }

    public var ownParameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    public var ownMACs: Int { outputShape.pixels * window.taps * inputShape.channels * outputShape.channels }

    /// Whether the input can be used as the GEMM operand directly (1×1, stride 1).
    private var isPointwise: Bool { window.taps == 1 && window.stride == 1 }
    private var k: Int { window.taps * inputShape.channels }
    /// Whether the weight gradient uses the direct kernel (few input channels: `DirectConvolution`).
    private var isDirect: Bool { DirectConvolution.applies(inputChannels: inputShape.channels, window: window) }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        input = x
        let m = y.rows, n = outputShape.channels
        if let bias {
            for r in 0..<m { y.pixel(r).update(from: bias.value.baseAddress!, count: n) }
        }
        let beta: Float = bias == nil ? 0 : 1
        if isPointwise {
            gemm(m: m, n: n, k: k, a: x.base, lda: x.pixelStride, b: weight.value.baseAddress!, ldb: n,
                 beta: beta, c: y.base, ldc: y.pixelStride)
        } else {
            let col = workspace.floats(m * k)
            im2col(x, window, into: col)
            gemm(m: m, n: n, k: k, a: col, lda: k, b: weight.value.baseAddress!, ldb: n,
                 beta: beta, c: y.base, ldc: y.pixelStride)
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let x = input else { preconditionFailure("backward before forward") }
        let m = dy.rows, n = outputShape.channels, k = self.k
        let w = weight.value.baseAddress!, dw = weight.gradient.baseAddress!
        if let bias { columnSums(dy, into: bias.gradient.baseAddress!) }
        if isDirect {
            let size = k * n
            dw.update(repeating: 0, count: size)
            DirectConvolution.addWeightGradient(x, dy, window, images: 0..<x.batch, partial: workspace.floats(size),
                                                into: dw)
            if let dx {   // dcol = dy · Wᵀ, folded back by col2im
                let col = workspace.floats(m * k)
                gemm(transposeB: true, m: m, n: k, k: n, a: dy.base, lda: dy.pixelStride, b: w, ldb: n, c: col, ldc: k)
                if !accumulate { dx.zero() }
                col2im(col, window, into: dx)
            }
        } else if isPointwise {
            gemm(transposeA: true, m: k, n: n, k: m, a: x.base, lda: x.pixelStride, b: dy.base, ldb: dy.pixelStride,
                 c: dw, ldc: n)
            if let dx {
                gemm(transposeB: true, m: m, n: k, k: n, a: dy.base, lda: dy.pixelStride, b: w, ldb: n,
                     beta: accumulate ? 1 : 0, c: dx.base, ldc: dx.pixelStride)
            }
        } else {
            let col = workspace.floats(m * k)
            im2col(x, window, into: col)
            gemm(transposeA: true, m: k, n: n, k: m, a: col, lda: k, b: dy.base, ldb: dy.pixelStride, c: dw, ldc: n)
            if let dx {
                gemm(transposeB: true, m: m, n: k, k: n, a: dy.base, lda: dy.pixelStride, b: w, ldb: n, c: col, ldc: k)
                if !accumulate { dx.zero() }
                col2im(col, window, into: dx)
            }
        }
    }
}

/// `sums[c] = Σ_rows v[row, c]`: the gradient of a per-channel bias.
func columnSums(_ v: TensorView, into sums: UnsafeMutablePointer<Float>) {
    let c = v.shape.channels
    sums.update(repeating: 0, count: c)
    for r in 0..<v.rows {
        let p = v.pixel(r)
        for i in 0..<c { sums[i] += p[i] }
    }
}
