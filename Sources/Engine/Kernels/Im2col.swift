/// Geometry of a 2-D sliding window (convolution or pooling) over one image.
public struct Window: Hashable, Sendable {
    public let kernelHeight, kernelWidth, stride: Int
    /// Zero rows above / columns left of the input (below / right are implied by the output size).
    public let padTop, padLeft: Int
    public let input: Shape
    public let outputHeight, outputWidth: Int

    /// The window of docs/models.md#windows-and-padding: VALID gives `floor((in − k)/s) + 1`; SAME is stride 1
    /// only and pads `k/2` on each side.
    public init(input: Shape, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Padding) {
        self.input = input
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        switch padding {
        case .valid:
            padTop = 0; padLeft = 0
            outputHeight = (input.height - kernelHeight) / stride + 1
            outputWidth = (input.width - kernelWidth) / stride + 1
        case .same:
            precondition(stride == 1 && kernelHeight % 2 == 1 && kernelWidth % 2 == 1,
                         "SAME padding is defined for stride 1 and odd kernels only")
            padTop = kernelHeight / 2; padLeft = kernelWidth / 2
            outputHeight = input.height
            outputWidth = input.width
        }
    }

    /// Whether the input is at least as large as the window (the output has at least one pixel).
    public var fits: Bool { input.height + 2 * padTop >= kernelHeight && input.width + 2 * padLeft >= kernelWidth }

    /// Number of window taps, `kh · kw`.
    public var taps: Int { kernelHeight * kernelWidth }

    /// Calls `body(tap, inputRow)` for each tap of the window at output position (oy, ox) of image `n`, with
    /// `inputRow` the pixel index in the batch (or nil where the tap falls in the padding).
    @inline(__always)
    func forEachTap(n: Int, oy: Int, ox: Int, _ body: (Int, Int?) -> Void) {
        var tap = 0
        for ky in 0..<kernelHeight {
            let iy = oy * stride + ky - padTop
            for kx in 0..<kernelWidth {
                let ix = ox * stride + kx - padLeft
                if iy >= 0 && iy < input.height && ix >= 0 && ix < input.width {
                    body(tap, (n * input.height + iy) * input.width + ix)
                } else {
                    body(tap, nil)
                }
                tap += 1
            }
        }
    }
}

/// Unfolds `x` into `col`, a row-major `[batch · oh · ow, kh · kw · c]` matrix: row = output pixel, columns =
/// the window's taps in (ky, kx) order, each tap's `c` channels contiguous (matching an HWIO kernel). Taps in the
/// padding are zero. Images run on the elementwise threads (`forEachChunk`), each unfolded by one.
func im2col(_ x: TensorView, _ w: Window, into col: UnsafeMutablePointer<Float>) {
    let c = x.shape.channels, k = w.taps * c, xs = x.pixelStride, perImage = w.outputHeight * w.outputWidth * k
    forEachChunk(x.batch, floats: x.batch * perImage) { n in
        let x = x.images(n, count: 1), col = col + n * perImage
        w.forEachTapRow(batch: 1) { rowStart, tap, inputPixel, columns, valid in
            let dst = col + rowStart * k + tap * c
            // Zeros left of `valid`, copies inside it, zeros right of it (`valid` is empty or inside `columns`).
            let lo = valid.isEmpty ? columns.upperBound : valid.lowerBound, hi = valid.isEmpty ? lo : valid.upperBound
            for ox in columns.lowerBound..<lo { (dst + ox * k).update(repeating: 0, count: c) }
            if c == 1 {
                var d = dst + lo * k, src = x.base + (inputPixel + lo * w.stride) * xs
                for _ in lo..<hi { d.pointee = src.pointee; d += k; src += w.stride * xs }
            } else {
                for ox in lo..<hi { (dst + ox * k).update(from: x.base + (inputPixel + ox * w.stride) * xs, count: c) }
            }
            for ox in hi..<columns.upperBound { (dst + ox * k).update(repeating: 0, count: c) }
        }
    }
}

/// The adjoint of `im2col`: adds each tap's segment of `col` back into the input pixel it was read from. Images
/// run on the elementwise threads, each folded back by one in the same order as on one thread.
func col2im(_ col: UnsafePointer<Float>, _ w: Window, into dx: TensorView) {
    let c = dx.shape.channels, k = w.taps * c, xs = dx.pixelStride, perImage = w.outputHeight * w.outputWidth * k
    forEachChunk(dx.batch, floats: dx.batch * perImage) { n in
        let dx = dx.images(n, count: 1), col = col + n * perImage
        w.forEachTapRow(batch: 1) { rowStart, tap, inputPixel, _, valid in
            let src = col + rowStart * k + tap * c
            for ox in valid {
                let s = src + ox * k, d = dx.base + (inputPixel + ox * w.stride) * xs
                for i in 0..<c { d[i] += s[i] }
            }
        }
    }
}

extension Window {
    /// Calls `body(rowStart, tap, inputPixel, columns, valid)` once per (image, output row, tap): `rowStart` is
    /// the batch index of the output row's first pixel, `columns` the output columns, `valid` those whose tap lies
    /// inside the image (empty when the tap's input row is in the padding), and the input pixel read by output
    /// column `ox` is `inputPixel + ox · stride`.
    @inline(__always)
    func forEachTapRow(batch: Int, _ body: (Int, Int, Int, Range<Int>, Range<Int>) -> Void) {
        let ih = input.height, iw = input.width
        for n in 0..<batch {
            for oy in 0..<outputHeight {
                let rowStart = (n * outputHeight + oy) * outputWidth
                for ky in 0..<kernelHeight {
                    let iy = oy * stride + ky - padTop
                    for kx in 0..<kernelWidth {
                        let shift = kx - padLeft   // ix = ox · stride + shift
                        // 0 ≤ ox·stride + shift < iw  ⇔  ox ∈ [ceil(−shift / stride), ceil((iw − shift) / stride))
                        let lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride
                        let hi = min(outputWidth, (iw - shift + stride - 1) / stride)
                        let valid = iy >= 0 && iy < ih && lo < hi ? lo..<hi : 0..<0
                        body(rowStart, ky * kernelWidth + kx, (n * ih + iy) * iw + shift, 0..<outputWidth, valid)
                    }
                }
            }
        }
    }
}
