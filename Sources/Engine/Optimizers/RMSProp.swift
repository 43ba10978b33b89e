import CKernels

/// RMSProp with TensorFlow's semantics (`tf.train.RMSPropOptimizer`), per element:
///
///     ms  = ρ·ms + (1 − ρ)·g²            (ms starts at 1, not 0)
///     mom = μ·mom + lr·g / √(ms + ε)      (ε inside the square root; the learning rate folded into mom)
///     w  -= mom
///
/// The paper's recipe (docs/training.md#recipe): ρ = 0.9, ε = 1.0, and its public code's μ = 0.9. `lr` is the
/// step's rate times the parameter's `learningRateMultiplier`.
public final class RMSProp: Optimizer {
    public let parameters: [Parameter]
    public let decay, momentum, epsilon: Float
    private let meanSquares, moments: [Parameter]

    public init(parameters: [Parameter], decay: Float = 0.9, momentum: Float = 0.9, epsilon: Float = 1.0) {
        self.parameters = parameters
        self.decay = decay
        self.momentum = momentum
        self.epsilon = epsilon
        meanSquares = parameters.map {
            Parameter(name: "rms", dimensions: $0.dimensions, role: .state, initialValue: 1)
        }
        moments = parameters.map { Parameter(name: "momentum", dimensions: $0.dimensions, role: .state) }
    }

    public var slots: [(name: String, parameter: Parameter)] {
        zip(meanSquares, moments).enumerated().flatMap { i, s in [("\(i).rms", s.0), ("\(i).momentum", s.1)] }
    }

    /// Parameters run on `ElementwiseThreads.count` threads, one whole parameter at a time (CKernels' vector
    /// update; the same bits on any thread count or processor).
    public func step(learningRate: Float) {
        let total = parameters.reduce(0) { $0 + $1.count }
        forEachChunk(parameters.count, floats: 4 * total) { i in
            let p = parameters[i], ms = meanSquares[i].value, mom = moments[i].value
            ck_rmsprop_update(p.count, p.value.baseAddress!, p.gradient.baseAddress!, ms.baseAddress!,
                              mom.baseAddress!, learningRate * p.learningRateMultiplier, decay, momentum, epsilon)
        }
    }
}
