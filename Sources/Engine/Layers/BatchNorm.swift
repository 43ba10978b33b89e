/// Batch normalisation over the batch and spatial axes of NHWC input, affine (gamma, beta), optionally fused
/// with the ReLU that follows it so the pair costs one pass over memory forward and two backward.
///
/// Training uses the batch statistics (biased variance for normalising) and updates the moving statistics as
/// `moving = decay · moving + (1 − decay) · batch`, with the unbiased variance `M/(M−1)·var` as TensorFlow does;
/// inference uses the moving statistics. `epsilon` is added to the variance (0.001, architecture.md §1).
public final class BatchNorm: Layer {
    public let inputShape: Shape
    public var outputShape: Shape { inputShape }
    public let gamma, beta, movingMean, movingVariance: Parameter
    public let epsilon: Float
    /// Moving-average decay of the statistics (TensorFlow 0.9997; short CPU runs need a faster one).
    public var decay: Float
    public let relu: Bool

    // Per-channel scratch: batch mean, 1/σ, the affine map y = scale·x + shift of the last forward, and the
    // backward map dx = scale·g + b·x + d.
    private let mean, invStd, scale, shift, b, d: UnsafeMutableBufferPointer<Float>
    private var input: TensorView?, output: TensorView?
    private var lastMode = Mode.training

    public init(shape: Shape, relu: Bool, epsilon: Float = 0.001, decay: Float = 0.99) {
        inputShape = shape
        self.relu = relu
        self.epsilon = epsilon
        self.decay = decay
        let c = shape.channels
        gamma = Parameter(name: "gamma", dimensions: [c], role: .bias, initialValue: 1)
        beta = Parameter(name: "beta", dimensions: [c], role: .bias)
        movingMean = Parameter(name: "moving_mean", dimensions: [c], role: .state)
        movingVariance = Parameter(name: "moving_variance", dimensions: [c], role: .state, initialValue: 1)
        (mean, invStd, scale, shift) = (.allocate(capacity: c), .allocate(capacity: c), .allocate(capacity: c),
                                        .allocate(capacity: c))
        (b, d) = (.allocate(capacity: c), .allocate(capacity: c))
    }

    deinit { [mean, invStd, scale, shift, b, d].forEach { $0.deallocate() } }

    public var ownParameters: [Parameter] { [gamma, beta, movingMean, movingVariance] }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        input = x; output = y; lastMode = mode
        let c = inputShape.channels, rows = x.rows
        switch mode {
        case .training:
            channelMeans(x, into: mean)
            invStd.initialize(repeating: 0)
            for r in 0..<rows {
                let p = x.pixel(r)
                for i in 0..<c { let d = p[i] - mean[i]; invStd[i] += d * d }
            }
            let unbias = rows > 1 ? Float(rows) / Float(rows - 1) : 1
            for i in 0..<c {
                let variance = invStd[i] / Float(rows)
                movingMean.value[i] = decay * movingMean.value[i] + (1 - decay) * mean[i]
                movingVariance.value[i] = decay * movingVariance.value[i] + (1 - decay) * variance * unbias
                invStd[i] = 1 / (variance + epsilon).squareRoot()
            }
        case .inference:
            for i in 0..<c {
                mean[i] = movingMean.value[i]
                invStd[i] = 1 / (movingVariance.value[i] + epsilon).squareRoot()
            }
        }
        for i in 0..<c {
            scale[i] = gamma.value[i] * invStd[i]
            shift[i] = beta.value[i] - mean[i] * scale[i]
        }
        for r in 0..<rows {
            let p = x.pixel(r), q = y.pixel(r)
            if relu {
                for i in 0..<c { q[i] = max(0, p[i] * scale[i] + shift[i]) }
            } else {
                for i in 0..<c { q[i] = p[i] * scale[i] + shift[i] }
            }
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let x = input, let y = output else { preconditionFailure("backward before forward") }
        let c = inputShape.channels, rows = x.rows
        let dGamma = gamma.gradient, dBeta = beta.gradient
        dGamma.initialize(repeating: 0)
        dBeta.initialize(repeating: 0)
        // Pass 1: Σ g and Σ g·(x − μ), where g is dy masked by the ReLU.
        for r in 0..<rows {
            let p = x.pixel(r), g = dy.pixel(r), o = y.pixel(r)
            for i in 0..<c {
                let gi = relu && o[i] <= 0 ? 0 : g[i]
                dBeta[i] += gi
                dGamma[i] += gi * (p[i] - mean[i])
            }
        }
        for i in 0..<c { dGamma[i] *= invStd[i] }
        guard let dx else { return }
        // Pass 2: dx = scale·g + b·x + d per channel (scale = γ/σ). In training the batch statistics depend on x:
        // dx = γ/σ · (g − Σg/M − x̂ · Σ(g·x̂)/M); in inference they are constants: dx = γ/σ · g.
        let count = Float(rows)
        for i in 0..<c {
            if lastMode == .training {
                b[i] = -scale[i] * invStd[i] * dGamma[i] / count
                d[i] = -scale[i] * dBeta[i] / count - b[i] * mean[i]
            } else {
                b[i] = 0
                d[i] = 0
            }
        }
        for r in 0..<rows {
            let p = x.pixel(r), g = dy.pixel(r), o = y.pixel(r), q = dx.pixel(r)
            for i in 0..<c {
                let gi = relu && o[i] <= 0 ? 0 : g[i]
                let v = scale[i] * gi + b[i] * p[i] + d[i]
                q[i] = accumulate ? q[i] + v : v
            }
        }
    }
}

/// `means[c]` = mean over every pixel of the batch of channel `c`.
func channelMeans(_ x: TensorView, into means: UnsafeMutableBufferPointer<Float>) {
    columnSums(x, into: means.baseAddress!)
    let inverse = 1 / Float(x.rows)
    for i in 0..<x.shape.channels { means[i] *= inverse }
}
