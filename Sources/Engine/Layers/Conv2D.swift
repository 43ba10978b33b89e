import CKernels

/// 2-D convolution over NHWC input with an HWIO kernel `[kh, kw, cin, cout]` and an optional bias.
///
/// Forward is a GEMM `y[M, cout] = col[M, K] · W[K, cout]` with `M = batch·oh·ow` and `K = kh·kw·cin`, where
/// `col` is the im2col matrix (built chunk by chunk of images, see `forEachChunk`) — or, for a 1×1 stride-1
/// kernel, the input itself read in place. Backward recomputes `col` into the shared workspace, forms
/// `dW = colᵀ · dy`, then reuses the same workspace for `dcol = dy · Wᵀ` and folds it back with col2im. With at
/// most 4 input channels (a network's first layer) forward and `dW` run the direct C kernels of `CKernels`
/// instead. `y`, `x` and `dx` may all be strided slices.
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
    /// Whether the direct kernels of `CKernels` run this convolution (forward and weight gradient): few input
    /// channels (a network's first layer), where im2col writes one float per tap and `colᵀ · dy` is a skinny GEMM,
    /// and at least 8 output channels (one vector; narrower outputs would run the kernels' scalar tail).
    private var isDirect: Bool { inputShape.channels <= 4 && outputShape.channels >= 8 && window.taps > 1 }

    /// The `CKernels` description of this convolution on views `x` (input) and `y` (output or its gradient).
    private func geometry(_ x: TensorView, _ y: TensorView) -> ck_conv_geometry {
        ck_conv_geometry(batch: x.batch, in_height: inputShape.height, in_width: inputShape.width,
                         in_channels: inputShape.channels, in_stride: x.pixelStride,
                         out_height: outputShape.height, out_width: outputShape.width,
                         out_channels: outputShape.channels, out_stride: y.pixelStride,
                         kernel_height: window.kernelHeight, kernel_width: window.kernelWidth, stride: window.stride,
                         pad_top: window.padTop, pad_left: window.padLeft)
    }

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
        } else if isDirect {
            var g = geometry(x, y)
            ck_conv_small_forward(&g, x.base, weight.value.baseAddress!, y.base, bias == nil ? 0 : 1)
        } else {
            forEachChunk(batch: x.batch) { images, col in
                let ys = y.images(images.lowerBound, count: images.count)
                im2col(x.images(images.lowerBound, count: images.count), window, into: col)
                gemm(m: ys.rows, n: n, k: k, a: col, lda: k, b: weight.value.baseAddress!, ldb: n,
                     beta: beta, c: ys.base, ldc: ys.pixelStride)
            }
        }
    }

    /// Calls `body(images, col)` for consecutive chunks of the batch, with `col` workspace for the chunk's im2col
    /// matrix. Chunks hold about 1 MB of it, so the matrix is still in cache when the GEMM reads it: on
    /// `bench kernels` this took the 3×3 and 5×5 forward passes from 63–72 to 94–99 GFLOP/s on one thread.
    private func forEachChunk(batch: Int, _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let perImage = outputShape.pixels * k
        let chunk = max(1, 262_144 / perImage)
        let col = workspace.floats(min(chunk, batch) * perImage)
        for first in stride(from: 0, to: batch, by: chunk) { body(first ..< min(first + chunk, batch), col) }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let x = input else { preconditionFailure("backward before forward") }
        let m = dy.rows, n = outputShape.channels, k = self.k
        let w = weight.value.baseAddress!, dw = weight.gradient.baseAddress!
        if let bias { columnSums(dy, into: bias.gradient.baseAddress!) }
        if isPointwise {
            gemm(transposeA: true, m: k, n: n, k: m, a: x.base, lda: x.pixelStride, b: dy.base, ldb: dy.pixelStride,
                 c: dw, ldc: n)
            if let dx {
                gemm(transposeB: true, m: m, n: k, k: n, a: dy.base, lda: dy.pixelStride, b: w, ldb: n,
                     beta: accumulate ? 1 : 0, c: dx.base, ldc: dx.pixelStride)
            }
            return
        }
        if isDirect {
            var g = geometry(x, dy)
            ck_conv_small_weight_gradient(&g, x.base, dy.base, workspace.floats(k * n), dw)
        }
        // Chunk by chunk: dW += colᵀ · dy (unless the direct kernel did it), then dx from dy · Wᵀ.
        guard !isDirect || dx != nil else { return }
        forEachChunk(batch: x.batch) { images, col in
            let dys = dy.images(images.lowerBound, count: images.count)
            if !isDirect {   // dW += colᵀ · dy
                im2col(x.images(images.lowerBound, count: images.count), window, into: col)
                gemm(transposeA: true, m: k, n: n, k: dys.rows, a: col, lda: k, b: dys.base, ldb: dys.pixelStride,
                     beta: images.lowerBound == 0 ? 0 : 1, c: dw, ldc: n)
            }
            if let dx {      // dcol = dy · Wᵀ, folded back by col2im
                let dxs = dx.images(images.lowerBound, count: images.count)
                gemm(transposeB: true, m: dys.rows, n: k, k: n, a: dys.base, lda: dys.pixelStride, b: w, ldb: n,
                     c: col, ldc: k)
                if !accumulate { dxs.zero() }
                col2im(col, window, into: dxs)
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
