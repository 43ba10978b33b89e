import Engine
import Testing

@Suite("Optimizers against values computed by hand")
struct OptimizerTests {
    func parameter(_ values: [Float], gradient: [Float]) -> Parameter {
        let p = Parameter(name: "w", dimensions: [values.count], role: .weight)
        for i in values.indices { p.value[i] = values[i]; p.gradient[i] = gradient[i] }
        return p
    }

    /// TensorFlow's RMSProp, ρ = 0.9, μ = 0.9, ε = 1, lr = 0.1, w = 1, g = 2, then g = −1:
    /// step 1: ms = 0.9·1 + 0.1·4 = 1.3;  mom = 0.1·2/√2.3 = 0.13187609;  w = 0.86812391
    /// step 2: ms = 0.9·1.3 + 0.1·1 = 1.27;  mom = 0.9·0.13187609 + 0.1·(−1)/√2.27 = 0.05231672;  w = 0.81580719
    @Test func rmspropFollowsTensorFlow() {
        let p = parameter([1], gradient: [2])
        let opt = RMSProp(parameters: [p], decay: 0.9, momentum: 0.9, epsilon: 1.0)
        opt.step(learningRate: 0.1)
        #expect(abs(p.value[0] - 0.86812391) < 1e-6)
        p.gradient[0] = -1
        opt.step(learningRate: 0.1)
        #expect(abs(p.value[0] - 0.81580719) < 1e-6)
        let slots = Dictionary(uniqueKeysWithValues: opt.slots.map { ($0.name, $0.parameter.value[0]) })
        #expect(abs(slots["0.rms"]! - 1.27) < 1e-6)
        #expect(abs(slots["0.momentum"]! - 0.05231672) < 1e-6)
    }

    /// Momentum SGD, μ = 0.9, lr = 0.5, w = 3, g = 1 then g = 2:
    /// step 1: v = 1, w = 2.5;  step 2: v = 0.9 + 2 = 2.9, w = 2.5 − 1.45 = 1.05
    @Test func sgdWithMomentum() {
        let p = parameter([3], gradient: [1])
        let opt = SGD(parameters: [p], momentum: 0.9)
        opt.step(learningRate: 0.5)
        #expect(abs(p.value[0] - 2.5) < 1e-6)
        p.gradient[0] = 2
        opt.step(learningRate: 0.5)
        #expect(abs(p.value[0] - 1.05) < 1e-6)
    }

    /// A parameter's learning-rate multiplier m scales its step and nothing else's: RMSProp's first step of
    /// `rmspropFollowsTensorFlow` with m = 0.25 moves w by 0.25 · 0.13187609; SGD's first step of `sgdWithMomentum`
    /// with m = 0.25 moves w by 0.25 · 0.5; a second parameter with m = 1 takes its full step.
    @Test func learningRateMultiplier() {
        let p = parameter([1], gradient: [2]), q = parameter([1], gradient: [2])
        p.learningRateMultiplier = 0.25
        RMSProp(parameters: [p, q], decay: 0.9, momentum: 0.9, epsilon: 1.0).step(learningRate: 0.1)
        #expect(abs(p.value[0] - (1 - 0.25 * 0.13187609)) < 1e-6)
        #expect(abs(q.value[0] - 0.86812391) < 1e-6)
        let u = parameter([3], gradient: [1]), v = parameter([3], gradient: [1])
        u.learningRateMultiplier = 0.25
        SGD(parameters: [u, v], momentum: 0.9).step(learningRate: 0.5)
        #expect(abs(u.value[0] - 2.875) < 1e-6)
        #expect(abs(v.value[0] - 2.5) < 1e-6)
    }

    /// Weight decay 0.1 on w = [3, 4], g = [0, 0] gives g = [0.3, 0.4] (norm 0.5), leaves biases alone; clipping at
    /// 0.25 halves it.
    @Test func weightDecayThenGlobalNormClipping() {
        let w = parameter([3, 4], gradient: [0, 0])
        let b = Parameter(name: "b", dimensions: [1], role: .bias)
        b.value[0] = 10
        GradientTransform.applyWeightDecay(0.1, to: [w, b])
        #expect(abs(w.gradient[0] - 0.3) < 1e-7 && abs(w.gradient[1] - 0.4) < 1e-7)
        #expect(b.gradient[0] == 0)
        let norm = GradientTransform.clipByGlobalNorm([w, b], maxNorm: 0.25)
        #expect(abs(norm - 0.5) < 1e-6)
        #expect(abs(w.gradient[0] - 0.15) < 1e-6 && abs(w.gradient[1] - 0.2) < 1e-6)
        #expect(GradientTransform.clipByGlobalNorm([w, b], maxNorm: 1) < 1)   // below the bound: untouched
        #expect(abs(w.gradient[1] - 0.2) < 1e-6)
    }
}
