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

    public func step(learningRate: Float) {
        let mu = momentum
        for (p, vel) in zip(parameters, velocities) {
            let w = p.value, g = p.gradient, v = vel.value, lr = learningRate * p.learningRateMultiplier
            for i in 0..<p.count {
                v[i] = mu * v[i] + g[i]
                w[i] -= lr * v[i]
            }
        }
    }
}
