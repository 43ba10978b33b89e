import CKernels

/// 2-D convolution over NHWC input with an HWIO kernel `[kh, kw, cin, cout]`, an optional bias and an optional
/// fused ReLU.
///
/// Forward is a GEMM `y[M, cout] = col[M, K] · W[K, cout]` with `M = batch·oh·ow` and `K = kh·kw·cin`, where
/// `col` is the im2col matrix (built chunk by chunk of images, see `forEachChunk`) — or, for a 1×1 stride-1
/// kernel, the input itself read in place — followed by the epilogue `y = max(floor, y + bias)` on each chunk's
/// output rows while they are still in cache (floor 0 with the fused ReLU, −∞ without). Backward recomputes `col`
/// into the shared workspace, forms `dW = colᵀ · dy`, then reuses the same workspace for `dcol = dy · Wᵀ` and
/// folds it back with col2im. With at most 4 input channels (a network's first layer) forward and `dW` run the
/// direct C kernels of `CKernels` instead. `y`, `x` and `dx` may all be strided slices.
///
/// On the oneDNN backend a convolution may instead run oneDNN's convolution primitives
/// (`ConvolutionAlgorithm.preferred` says which, by shape and pass): created on first use for each batch size and
/// thread count and kept by the layer, over the same NHWC tensors; strided views are copied to and from dense workspace
/// around the call, since oneDNN's fast kernels need dense NHWC.
///
/// The fused ReLU serves inference (`InferenceNetwork` folds BatchNorm and its ReLU into the convolution before
/// it); a convolution with it has no backward pass.
public final class Conv2D: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    public let window: Window
    public let weight: Parameter
    public let bias: Parameter?
    /// Whether the epilogue applies a ReLU after the bias (inference only; requires a bias).
    public let relu: Bool
    private let workspace: Workspace
    private var input: TensorView?
    /// oneDNN's primitives of this convolution, by batch size and thread count (created on first use).
    private var primitives: [PrimitivesKey: ConvolutionPrimitives] = [:]
    private struct PrimitivesKey: Hashable { var batch, threads: Int }

    /// - Parameters:
    ///   - kernel: (height, width) of the kernel.
    ///   - rng: draws the Glorot-uniform weights (see `Initializer`).
    public convenience init(input: Shape, outputChannels: Int, kernel: (Int, Int), stride: Int = 1,
                            padding: Padding = .same, bias: Bool = false, workspace: Workspace,
                            rng: inout RandomGenerator) {
        let window = Window(input: input, kernelHeight: kernel.0, kernelWidth: kernel.1, stride: stride,
                            padding: padding)
        precondition(window.fits, "a \(kernel.0)×\(kernel.1) convolution does not fit a \(input) input")
        let weight = Parameter(name: "weight", dimensions: [kernel.0, kernel.1, input.channels, outputChannels],
                               role: .weight)
        Initializer.glorotUniform(weight, fanIn: window.taps * input.channels,
                                  fanOut: window.taps * outputChannels, using: &rng)
        self.init(window: window, weight: weight,
                  bias: bias ? Parameter(name: "bias", dimensions: [outputChannels], role: .bias) : nil,
                  relu: false, workspace: workspace)
    }

    /// A convolution over `window` with the given parameters (`weight` `[kh, kw, cin, cout]`, `bias` `[cout]`).
    init(window: Window, weight: Parameter, bias: Parameter?, relu: Bool, workspace: Workspace) {
        self.window = window
        inputShape = window.input
        outputShape = Shape(window.outputHeight, window.outputWidth, weight.dimensions[3])
        self.weight = weight
        self.bias = bias
        self.relu = relu
        self.workspace = workspace
        precondition(!relu || bias != nil, "the fused ReLU runs in the bias epilogue")
    }

    /// A copy for inference, without gradients: output channel `c` becomes `scale[c]·(W·x + b)[c] + shift[c]`
    /// (weights and bias of channel `c` times `scale[c]`, plus `shift[c]` on the bias), followed by a ReLU if
    /// `relu`. Folds an inference-mode BatchNorm (`scale = γ/√(σ² + ε)`, `shift = β − μ·scale`) or a residual
    /// scale (`shift = 0`) into the convolution.
    public func folded(scale: [Float], shift: [Float], relu: Bool, workspace: Workspace) -> Conv2D {
        let n = outputShape.channels
        precondition(scale.count == n && shift.count == n, "one scale and one shift per output channel")
        let w = Parameter(name: "weight", dimensions: weight.dimensions, role: .weight, withGradient: false)
        for i in w.value.indices { w.value[i] = weight.value[i] * scale[i % n] }
        let b = Parameter(name: "bias", dimensions: [n], role: .bias, withGradient: false)
        for c in 0..<n { b.value[c] = (bias?.value[c] ?? 0) * scale[c] + shift[c] }
        return Conv2D(window: window, weight: w, bias: b, relu: relu, workspace: workspace)
    }

    public var ownParameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
    public var ownMACs: Int { outputShape.pixels * window.taps * inputShape.channels * outputShape.channels }

    /// Whether the input can be used as the GEMM operand directly (1×1, stride 1).
    private var isPointwise: Bool { window.taps == 1 && window.stride == 1 }
    /// Whether this convolution is a plain `x · W` (1×1, stride 1, no bias or ReLU), which `PointwiseHeads` may
    /// compute together with others on the same input.
    var isPlainPointwise: Bool { isPointwise && bias == nil && !relu }
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

    /// The algorithm of `pass` of this convolution on the calling task's backend.
    public func algorithm(_ pass: ConvolutionAlgorithm.Pass) -> ConvolutionAlgorithm {
        guard Backend.current == .onednn else { return .gemm }
        return ConvolutionAlgorithm.forced ?? .preferred(for: window, outputChannels: outputShape.channels, pass: pass)
    }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        input = x
        if algorithm(.forward) == .primitives { return forwardWithPrimitives(x, into: y) }
        let n = outputShape.channels, k = self.k, w = weight.value.baseAddress!
        let viaColumns = !isPointwise && !isDirect
        // Chunks of about 1 MB of im2col matrix; else of output when there is an epilogue (a bias), else the batch.
        let perImage = viaColumns ? outputShape.pixels * k : bias != nil ? outputShape.pixels * n : 0
        forEachChunk(batch: x.batch, floatsPerImage: perImage, columns: viaColumns) { images, col in
            let xs = x.images(images.lowerBound, count: images.count)
            let ys = y.images(images.lowerBound, count: images.count)
            if isPointwise {
                gemm(m: ys.rows, n: n, k: k, a: xs.base, lda: xs.pixelStride, b: w, ldb: n,
                     c: ys.base, ldc: ys.pixelStride)
            } else if isDirect {
                var g = geometry(xs, ys)
                ck_conv_small_forward(&g, xs.base, w, ys.base, 0)
            } else {
                im2col(xs, window, into: col!)
                gemm(m: ys.rows, n: n, k: k, a: col!, lda: k, b: w, ldb: n, c: ys.base, ldc: ys.pixelStride)
            }
            epilogue(ys)
        }
    }

    /// `y = max(floor, y + bias)` on the rows of `y`, in place (floor 0 with the fused ReLU, −∞ without).
    private func epilogue(_ y: TensorView) {
        guard let b = bias?.value.baseAddress else { return }
        let n = outputShape.channels, floor: Float = relu ? 0 : -.infinity
        for r in 0..<y.rows {
            let q = y.pixel(r)
            @inline(__always) func addBias(_ l: Lanes) { q[l] = clamped(q[l] + b[l], below: floor) }
            forEachVector(n, addBias)
        }
    }

    /// Images per chunk of about 1 MB (262,144 floats) at `floatsPerImage` (at least one; the batch when 0).
    private static func chunkImages(batch: Int, floatsPerImage: Int) -> Int {
        floatsPerImage == 0 ? batch : max(1, 262_144 / floatsPerImage)
    }

    /// Calls `body(images, col)` for consecutive chunks of the batch of about 1 MB (262,144 floats) at
    /// `floatsPerImage` (at least one image; the whole batch when 0), with `col` workspace for the chunk's im2col
    /// matrix when `columns`. A chunk's matrix is still in cache when the GEMM reads it: on `bench kernels` this
    /// took the 3×3 and 5×5 forward passes from 63–72 to 94–99 GFLOP/s on one thread.
    private func forEachChunk(batch: Int, floatsPerImage: Int, columns: Bool,
                              _ body: (Range<Int>, UnsafeMutablePointer<Float>?) -> Void) {
        let chunk = Self.chunkImages(batch: batch, floatsPerImage: floatsPerImage)
        let col = columns ? workspace.floats(min(chunk, batch) * floatsPerImage) : nil
        for first in stride(from: 0, to: batch, by: chunk) { body(first ..< min(first + chunk, batch), col) }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let x = input else { preconditionFailure("backward before forward") }
        precondition(!relu, "a convolution with a fused ReLU is for inference only")
        let m = dy.rows, n = outputShape.channels, k = self.k
        let w = weight.value.baseAddress!, dw = weight.gradient.baseAddress!
        if let bias { columnSums(dy, into: bias.gradient.baseAddress!) }
        if algorithm(.backward) == .primitives {
            return backwardWithPrimitives(dy, x: x, into: dx, accumulate: accumulate)
        }
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
        forEachChunk(batch: x.batch, floatsPerImage: outputShape.pixels * k, columns: true) { images, col in
            let col = col!
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

extension Conv2D {
    /// The primitives for a batch of `batch` images, on the threads `BLASThreads` gives the GEMM this convolution
    /// runs on the same chunk of images with im2col (the whole batch for 1×1), so that they open no more two-thread
    /// OpenMP regions than the GEMMs did. With the whole batch's multiply-adds instead, narrow layers went to two
    /// threads (a 5×5 6→8 at 15×15 is 17 M), and on the shared machine `bench train --threads 2` inception-v3
    /// w0.125 fell from 226 to 118 images/s: their calls took 8–16 ms for 0.3 ms of work, waiting at OpenMP
    /// barriers for a vCPU the scheduler had given away.
    private func primitives(batch: Int) -> ConvolutionPrimitives {
        let images = isPointwise
            ? batch : min(batch, Self.chunkImages(batch: batch, floatsPerImage: outputShape.pixels * k))
        let threads = BLASThreads.threads(m: images * outputShape.pixels, n: outputShape.channels, k: k,
                                          on: .onednn)
        let key = PrimitivesKey(batch: batch, threads: threads)
        if let made = primitives[key] { return made }
        let made = ConvolutionPrimitives(window: window, outputChannels: outputShape.channels, batch: batch,
                                         bias: bias != nil, relu: relu, threads: threads)
        primitives[key] = made
        return made
    }

    /// Forward through oneDNN's primitive, bias and ReLU included.
    private func forwardWithPrimitives(_ x: TensorView, into y: TensorView) {
        let p = primitives(batch: x.batch)
        withDense([x, y], scratchBytes: p.scratchpadBytes) { dense, scratch in
            if !x.isContiguous { dense[0].copy(from: x) }
            p.forward(x: dense[0].base, weight: weight.value.baseAddress!, bias: bias?.value.baseAddress,
                      y: dense[1].base, scratch: scratch)
            if !y.isContiguous { y.copy(from: dense[1]) }
        }
    }

    /// The weight gradient and, when `dx` is given, the input gradient through oneDNN's primitives (the bias
    /// gradient is the caller's).
    private func backwardWithPrimitives(_ dy: TensorView, x: TensorView, into dx: TensorView?, accumulate: Bool) {
        let p = primitives(batch: x.batch)
        p.prepareBackward()
        // The input gradient goes through dense workspace also when it is to be added onto dx.
        let views = [x, dy] + (dx.map { [$0] } ?? [])
        withDense(views, staged: accumulate ? [2] : [], scratchBytes: p.scratchpadBytes) { dense, scratch in
            if !x.isContiguous { dense[0].copy(from: x) }
            if !dy.isContiguous { dense[1].copy(from: dy) }
            p.backwardWeights(x: dense[0].base, dy: dense[1].base, dw: weight.gradient.baseAddress!, scratch: scratch)
            guard let dx else { return }
            p.backwardData(dy: dense[1].base, weight: weight.value.baseAddress!, dx: dense[2].base, scratch: scratch)
            if accumulate {
                dx.add(dense[2])
            } else if !dx.isContiguous {
                dx.copy(from: dense[2])
            }
        }
    }

    /// Calls `body(dense, scratch)` with a dense view for each of `views` — the view itself when it is contiguous
    /// and its index is not in `staged`, else a view of workspace (uninitialised) — and `scratchBytes` of
    /// 64-byte-aligned workspace for oneDNN's scratchpad. All share this layer's `workspace`.
    private func withDense(_ views: [TensorView], staged: Set<Int> = [], scratchBytes: Int,
                           _ body: ([TensorView], UnsafeMutableRawPointer) -> Void) {
        let copied = views.indices.filter { !views[$0].isContiguous || staged.contains($0) }
        let scratchFloats = (scratchBytes + 63) / 64 * 16
        let base = workspace.floats(16 + scratchFloats + copied.reduce(0) { $0 + views[$1].count })
        let aligned = UnsafeMutableRawPointer(base).alignedUp(toMultipleOf: 64).assumingMemoryBound(to: Float.self)
        var next = aligned + scratchFloats
        var dense = views
        for i in copied {
            dense[i] = TensorView(base: next, batch: views[i].batch, shape: views[i].shape)
            next += views[i].count
        }
        body(dense, UnsafeMutableRawPointer(aligned))
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
