/// Max pooling, 3×3 stride 2 VALID in every model (`MP` of docs/models.md#building-blocks); any window works.
/// Forward records the batch-relative input pixel of each output's maximum; backward routes the gradient there.
public final class MaxPool: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    public let window: Window
    private var argmax: [Int32] = []   // per output element: input row (pixel index in the batch)
    private var rows = 0

    public init(input: Shape, size: Int = 3, stride: Int = 2, padding: Padding = .valid) {
        window = Window(input: input, kernelHeight: size, kernelWidth: size, stride: stride, padding: padding)
        precondition(window.fits, "a \(size)×\(size) pool does not fit a \(input) input")
        inputShape = input
        outputShape = Shape(window.outputHeight, window.outputWidth, input.channels)
    }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        let c = inputShape.channels, w = window
        if argmax.count < y.count { argmax = [Int32](repeating: 0, count: y.count) }
        // Images run on `ElementwiseThreads.count` threads; each writes only its own outputs.
        let pixels = w.outputHeight * w.outputWidth
        argmax.withUnsafeMutableBufferPointer { arg in
            forEachChunk(x.batch, floats: x.count + 2 * y.count) { n in
                var out = n * pixels
                for oy in 0..<w.outputHeight {
                    for ox in 0..<w.outputWidth {
                        let q = y.pixel(out), a = arg.baseAddress! + out * c
                        var first = true
                        w.forEachTap(n: n, oy: oy, ox: ox) { _, row in
                            guard let row else { return }
                            let p = x.pixel(row), index = Int32(row)
                            if first {
                                for i in 0..<c { q[i] = p[i]; a[i] = index }
                                first = false
                                return
                            }
                            // Take the tap where it is strictly greater (the first maximum wins), with its row
                            // as the argmax.
                            let indices = SIMD8<Int32>(repeating: index)
                            @inline(__always) func take(_ l: Lanes) {
                                let v = p[l], m = q[l], greater = v .> m
                                q[l] = m.replacing(with: v, where: greater)
                                a[l] = a[l].replacing(with: indices, where: greater)
                            }
                            forEachVector(c, take)
                        }
                        out += 1
                    }
                }
            }
        }
        rows = y.rows
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let dx else { return }
        if !accumulate { dx.zero() }
        let c = inputShape.channels
        // Images on `ElementwiseThreads.count` threads: an output's maximum lies in its own image.
        let pixels = rows / dy.batch
        argmax.withUnsafeBufferPointer { arg in
            forEachChunk(dy.batch, floats: 2 * dy.count + dx.count) { n in
                for r in n * pixels..<(n + 1) * pixels {
                    let g = dy.pixel(r), a = arg.baseAddress! + r * c
                    for i in 0..<c { dx.pixel(Int(a[i]))[i] += g[i] }
                }
            }
        }
    }
}
