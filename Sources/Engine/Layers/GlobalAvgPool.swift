/// Global average pooling: `H×W×C → 1×1×C`, the mean of each channel over the image.
public final class GlobalAvgPool: Layer {
    public let inputShape: Shape
    public let outputShape: Shape

    public init(input: Shape) {
        inputShape = input
        outputShape = Shape(1, 1, input.channels)
    }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        let c = inputShape.channels, pixels = inputShape.pixels, inverse = 1 / Float(pixels)
        for n in 0..<x.batch {
            let q = y.pixel(n)
            q.update(repeating: 0, count: c)
            for r in n * pixels ..< (n + 1) * pixels {
                let p = x.pixel(r)
                for i in 0..<c { q[i] += p[i] }
            }
            for i in 0..<c { q[i] *= inverse }
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let dx else { return }
        let c = inputShape.channels, pixels = inputShape.pixels, inverse = 1 / Float(pixels)
        for n in 0..<dy.batch {
            let g = dy.pixel(n)
            for r in n * pixels ..< (n + 1) * pixels {
                let d = dx.pixel(r)
                for i in 0..<c { d[i] = (accumulate ? d[i] : 0) + g[i] * inverse }
            }
        }
    }
}
