/// Average pooling, 3×3 stride 1 SAME with the padding excluded from the mean (`AP` of docs/models.md#building-blocks,
/// TensorFlow's semantics): each output is the mean of the input pixels its window actually covers.
public final class AvgPool: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    public let window: Window

    public init(input: Shape, size: Int = 3) {
        window = Window(input: input, kernelHeight: size, kernelWidth: size, stride: 1, padding: .same)
        inputShape = input
        outputShape = input
    }

    /// Calls `body(outputRow, inputRows, 1/count)` per output pixel, with the window's in-image input rows. Images
    /// run on `ElementwiseThreads.count` threads (`floats`: how many the kernel touches); a window never leaves its
    /// image, so each image's rows are written by one thread, in the same order on any count.
    private func forEachWindow(batch: Int, floats: Int, _ body: (Int, [Int], Float) -> Void) {
        let pixels = window.outputHeight * window.outputWidth
        forEachChunk(batch, floats: floats) { n in
            var inputs = [Int]()
            inputs.reserveCapacity(window.taps)
            var out = n * pixels
            for oy in 0..<window.outputHeight {
                for ox in 0..<window.outputWidth {
                    inputs.removeAll(keepingCapacity: true)
                    window.forEachTap(n: n, oy: oy, ox: ox) { _, row in if let row { inputs.append(row) } }
                    body(out, inputs, 1 / Float(inputs.count))
                    out += 1
                }
            }
        }
    }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        forEachWindow(batch: x.batch, floats: 2 * x.count) { out, inputs, inverse in
            Self.average(x, rows: inputs, inverse: inverse, into: y.pixel(out))
        }
    }

    /// `q[c] = inverse · Σ x[row, c]` for every channel `c` of `x`, summed over `rows` in their order: the mean of
    /// those pixels when `inverse` is 1/their number.
    @inline(__always)
    static func average(_ x: TensorView, rows: some Sequence<Int>, inverse: Float,
                        into q: UnsafeMutablePointer<Float>) {
        @inline(__always) func average(_ l: Lanes) {
            var sum = Vector8()
            for row in rows { sum += x.pixel(row)[l] }
            q[l] = sum * inverse
        }
        forEachVector(x.shape.channels, average)
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let dx else { return }
        if !accumulate { dx.zero() }
        let c = inputShape.channels
        forEachWindow(batch: dy.batch, floats: 2 * dy.count) { out, inputs, inverse in
            let g = dy.pixel(out)
            for row in inputs {
                let d = dx.pixel(row)
                @inline(__always) func spread(_ l: Lanes) { d[l] += g[l] * inverse }
                forEachVector(c, spread)
            }
        }
    }
}
