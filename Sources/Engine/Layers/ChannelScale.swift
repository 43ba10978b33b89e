/// A learned scale on every channel, `y[n, h, w, c] = γ[c] · x[n, h, w, c]` (NHWC), with `γ` either one value per
/// channel (`[channels]`, LayerScale) or one value shared by all channels (`[1]`, ReZero). `γ` is trained without
/// weight decay (role `.bias`). The residual merge applies it to the expanded branch (`Residual.learnedScale`).
public final class ChannelScale: Layer {
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    /// The scales: `[channels]` or `[1]`, named `gamma`.
    public let gamma: Parameter
    /// Whether `γ` has one value per channel (else one shared value).
    public let perChannel: Bool
    private var input: TensorView?

    /// - Parameters:
    ///   - perChannel: one scale per channel (true) or one for the whole layer (false).
    ///   - initialValue: the value every scale starts at.
    public init(shape: Shape, perChannel: Bool, initialValue: Float) {
        inputShape = shape
        self.perChannel = perChannel
        gamma = Parameter(name: "gamma", dimensions: [perChannel ? shape.channels : 1], role: .bias,
                          initialValue: initialValue)
    }

    public var ownParameters: [Parameter] { [gamma] }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        input = x
        let c = inputShape.channels, g = gamma.value.baseAddress!, step = perChannel ? 1 : 0
        for row in 0..<x.rows {
            let p = x.pixel(row), q = y.pixel(row)
            for j in 0..<c { q[j] = g[j * step] * p[j] }
        }
    }

    /// `∂L/∂γ[c] = Σ dy·x` over the pixels of channel `c` (over every value for a shared `γ`);
    /// `∂L/∂x = γ · dy`.
    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let x = input else { preconditionFailure("backward before forward") }
        let c = inputShape.channels, g = gamma.value.baseAddress!, step = perChannel ? 1 : 0
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: c)
        defer { sums.deallocate() }
        sums.update(repeating: 0, count: c)
        for row in 0..<x.rows {
            let p = x.pixel(row), d = dy.pixel(row)
            for j in 0..<c { sums[j] += d[j] * p[j] }
            if let dx {
                let q = dx.pixel(row)
                for j in 0..<c { q[j] = (accumulate ? q[j] : 0) + g[j * step] * d[j] }
            }
        }
        if perChannel {
            gamma.gradient.baseAddress!.update(from: sums, count: c)
        } else {
            gamma.gradient[0] = (0..<c).reduce(0) { $0 + sums[$1] }
        }
    }
}
