import CKernels

/// Stochastic gradient descent with momentum, TensorFlow's `MomentumOptimizer` form, per element:
///
///     v  = μ·v + g
///     w -= lr·v
///
/// with `lr` the step's rate times the parameter's `learningRateMultiplier`. With μ = 0 it is plain SGD. The
/// paper's early experiments used μ = 0.9.
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public let momentum: Float
    private let velocities: [Parameter]

    public init(parameters: [Parameter], momentum: Float = 0.9) {
        self.parameters = parameters
        self.momentum = momentum
        velocities = parameters.map { Parameter(name: "velocity", dimensions: $0.dimensions, role: .state) }
    }

    public var slots: [(name: String, parameter: Parameter)] {
        velocities.enumerated().map { ("\($0.offset).velocity", $0.element) }
    }

    /// Parameters run on `ElementwiseThreads.count` threads, one whole parameter at a time (CKernels' vector
    /// update; the same bits on any thread count or processor).
    public func step(learningRate: Float) {
        let total = parameters.reduce(0) { $0 + $1.count }
        forEachChunk(parameters.count, floats: 3 * total) { i in
            let p = parameters[i]
            ck_momentum_update(p.count, p.value.baseAddress!, p.gradient.baseAddress!,
                               velocities[i].value.baseAddress!, learningRate * p.learningRateMultiplier, momentum)
        }
    }
}
