/// Inverted dropout: in training each element is kept with probability `keep` and scaled by `1/keep`, so
/// inference is the identity. The mask is drawn from the layer's own seeded generator, which checkpoints save.
public final class Dropout: Layer {
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    public let keep: Float
    /// The generator of the masks; restore it to resume a run bit-identically.
    public var generator: RandomGenerator
    private var mask: [Float] = []
    private var lastMode = Mode.training

    public init(shape: Shape, keep: Float, seed: UInt64) {
        precondition(keep > 0 && keep <= 1, "dropout keep probability must be in (0, 1]")
        inputShape = shape
        self.keep = keep
        generator = RandomGenerator(seed: seed, stream: 0xD409)
    }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        lastMode = mode
        guard mode == .training && keep < 1 else { return y.copy(from: x) }
        let c = inputShape.channels, scale = 1 / keep
        if mask.count < x.count { mask = [Float](repeating: 0, count: x.count) }
        mask.withUnsafeMutableBufferPointer { m in
            for r in 0..<x.rows {
                let p = x.pixel(r), q = y.pixel(r), mr = m.baseAddress! + r * c
                for i in 0..<c {
                    mr[i] = generator.nextUniform() < keep ? scale : 0
                    q[i] = p[i] * mr[i]
                }
            }
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let dx else { return }
        let c = inputShape.channels
        let masked = lastMode == .training && keep < 1
        mask.withUnsafeBufferPointer { m in
            for r in 0..<dy.rows {
                let g = dy.pixel(r), d = dx.pixel(r)
                for i in 0..<c {
                    let v = masked ? g[i] * m[r * c + i] : g[i]
                    d[i] = accumulate ? d[i] + v : v
                }
            }
        }
    }
}
