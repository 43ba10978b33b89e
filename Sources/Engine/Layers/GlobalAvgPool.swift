/// Global average pooling: `H×W×C → 1×1×C`, the mean of each channel over the image.
public final class GlobalAvgPool: Layer {
    public let inputShape: Shape
    public let outputShape: Shape

    public init(input: Shape) {
        inputShape = input
        outputShape = Shape(1, 1, input.channels)
    }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        let pixels = inputShape.pixels, inverse = 1 / Float(pixels)
        for n in 0..<x.batch {
            let q = y.pixel(n)
            @inline(__always) func average(_ l: Lanes) {
                var sum = Vector8()
                for row in n * pixels ..< (n + 1) * pixels { sum += x.pixel(row)[l] }
                q[l] = sum * inverse
            }
            forEachVector(inputShape.channels, average)
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let dx else { return }
        let c = inputShape.channels, pixels = inputShape.pixels, inverse = 1 / Float(pixels)
        for n in 0..<dy.batch {
            let g = dy.pixel(n)
            for r in n * pixels ..< (n + 1) * pixels {
                let d = dx.pixel(r)
                @inline(__always) func spread(_ l: Lanes) { d[l] = (accumulate ? d[l] : Vector8()) + g[l] * inverse }
                forEachVector(c, spread)
            }
        }
    }
}
