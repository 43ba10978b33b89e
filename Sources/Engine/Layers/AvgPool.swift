/// Average pooling, 3×3 stride 1 SAME with the padding excluded from the mean (architecture.md §1 `AP`,
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

    /// Calls `body(outputRow, inputRows, 1/count)` per output pixel, with the window's in-image input rows.
    private func forEachWindow(batch: Int, _ body: (Int, [Int], Float) -> Void) {
        var inputs = [Int]()
        inputs.reserveCapacity(window.taps)
        var out = 0
        for n in 0..<batch {
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
        let c = inputShape.channels
        forEachWindow(batch: x.batch) { out, inputs, inverse in
            // Per channel: the inputs summed in window order, then scaled (eight channels at a time).
            let q = y.pixel(out)
            forEachVector(c) { l in
                var sum = Vector8()
                for row in inputs { sum += x.pixel(row)[l] }
                q[l] = sum * inverse
            }
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let dx else { return }
        if !accumulate { dx.zero() }
        let c = inputShape.channels
        forEachWindow(batch: dy.batch) { out, inputs, inverse in
            let g = dy.pixel(out)
            for row in inputs {
                let d = dx.pixel(row)
                forEachVector(c) { l in d[l] += g[l] * inverse }
            }
        }
    }
}
