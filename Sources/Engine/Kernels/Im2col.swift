/// Geometry of a 2-D sliding window (convolution or pooling) over one image.
public struct Window: Hashable, Sendable {
    public let kernelHeight, kernelWidth, stride: Int
    /// Zero rows above / columns left of the input (below / right are implied by the output size).
    public let padTop, padLeft: Int
    public let input: Shape
    public let outputHeight, outputWidth: Int

    /// The window of architecture.md §1: VALID gives `floor((in − k)/s) + 1`; SAME is stride 1 only and pads
    /// `k/2` on each side.
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
/// the window's taps in (ky, kx) order, each tap's `c` channels contiguous (matching an HWIO kernel).
func im2col(_ x: TensorView, _ w: Window, into col: UnsafeMutablePointer<Float>) {
    let c = x.shape.channels
    var dst = col
    for n in 0..<x.batch {
        for oy in 0..<w.outputHeight {
            for ox in 0..<w.outputWidth {
                w.forEachTap(n: n, oy: oy, ox: ox) { _, row in
                    if let row { dst.update(from: x.pixel(row), count: c) } else { dst.update(repeating: 0, count: c) }
                    dst += c
                }
            }
        }
    }
}

/// The adjoint of `im2col`: adds each row segment of `col` back into the input pixel it was read from.
func col2im(_ col: UnsafePointer<Float>, _ w: Window, into dx: TensorView) {
    let c = dx.shape.channels
    var src = col
    for n in 0..<dx.batch {
        for oy in 0..<w.outputHeight {
            for ox in 0..<w.outputWidth {
                w.forEachTap(n: n, oy: oy, ox: ox) { _, row in
                    if let row {
                        let d = dx.pixel(row)
                        for i in 0..<c { d[i] += src[i] }
                    }
                    src += c
                }
            }
        }
    }
}
