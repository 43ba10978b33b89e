/// Rectified linear unit, `y = max(0, x)`, elementwise. (Convolution units use `BatchNorm(relu: true)`, which
/// fuses it; this layer serves anywhere else.)
public final class ReLU: Layer {
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    private var output: TensorView?

    public init(shape: Shape) { inputShape = shape }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        output = y
        let c = inputShape.channels
        for r in 0..<x.rows {
            let p = x.pixel(r), q = y.pixel(r)
            for i in 0..<c { q[i] = max(0, p[i]) }
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let dx, let y = output else { return }
        let c = inputShape.channels
        for r in 0..<dy.rows {
            let g = dy.pixel(r), o = y.pixel(r), d = dx.pixel(r)
            for i in 0..<c {
                let v = o[i] > 0 ? g[i] : 0
                d[i] = accumulate ? d[i] + v : v
            }
        }
    }
}
