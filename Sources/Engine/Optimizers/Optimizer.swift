import CKernels

/// An update rule over a fixed list of parameters.
///
/// Threading: one optimizer per network, used by the training thread.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates, in the order given at creation.
    var parameters: [Parameter] { get }
    /// The optimizer's own state (accumulators), as named state buffers that checkpoints save and restore.
    var slots: [(name: String, parameter: Parameter)] { get }
    /// Applies one update with the learning rate `learningRate`, reading each parameter's `gradient`.
    func step(learningRate: Float)
}

/// Gradient transforms applied before an optimizer step, in TensorFlow's order: L2 weight decay becomes part of
/// the gradient, then the whole gradient is clipped by its global norm.
public enum GradientTransform {
    // Parameters run on `ElementwiseThreads.count` threads, one whole parameter at a time (CKernels' vector loops;
    // the same bits on any thread count or processor).

    /// Adds `rate · w` to the gradient of every `.weight` parameter (the gradient of `rate/2 · Σ w²`).
    public static func applyWeightDecay(_ rate: Float, to parameters: [Parameter]) {
        guard rate > 0 else { return }
        let weights = parameters.filter { $0.role == .weight }
        forEachChunk(weights.count, floats: 2 * weights.reduce(0) { $0 + $1.count }) { i in
            ck_weight_decay(weights[i].count, weights[i].gradient.baseAddress!, weights[i].value.baseAddress!, rate)
        }
    }

    /// The global L2 norm `√(Σ g²)` over every parameter's gradient: each parameter's sum in Float
    /// (`ck_sum_of_squares`), added in parameter order in Double.
    public static func globalNorm(_ parameters: [Parameter]) -> Double {
        var sums = [Float](repeating: 0, count: parameters.count)
        sums.withUnsafeMutableBufferPointer { sums in
            forEachChunk(parameters.count, floats: parameters.reduce(0) { $0 + $1.gradient.count }) { i in
                let g = parameters[i].gradient
                ck_sum_of_squares(g.count, g.baseAddress, sums.baseAddress! + i)
            }
        }
        return sums.reduce(0.0) { $0 + Double($1) }.squareRoot()
    }

    /// Scales every gradient by `maxNorm / norm` when the global norm exceeds `maxNorm`
    /// (`tf.clip_by_global_norm`). Returns the norm before clipping.
    @discardableResult
    public static func clipByGlobalNorm(_ parameters: [Parameter], maxNorm: Double) -> Double {
        let norm = globalNorm(parameters)
        guard norm > maxNorm, norm.isFinite else { return norm }
        let factor = Float(maxNorm / norm)
        for p in parameters {
            for i in 0..<p.count { p.gradient[i] *= factor }
        }
        return norm
    }
}
