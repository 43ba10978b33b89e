import Engine
import Testing

@Suite("Finite-difference gradients of every layer")
struct LayerGradientTests {
    let workspace = Workspace()

    func conv(_ input: Shape, _ out: Int, _ k: (Int, Int), stride: Int = 1, padding: Padding = .same,
              bias: Bool = false, seed: UInt64 = 3) -> Conv2D {
        var rng = RandomGenerator(seed: seed)
        return Conv2D(input: input, outputChannels: out, kernel: k, stride: stride, padding: padding, bias: bias,
                      workspace: workspace, rng: &rng)
    }

    @Test("Conv2D", arguments: [
        (Shape(5, 5, 3), 4, (1, 1), 1, Padding.same, false),
        (Shape(5, 5, 3), 4, (1, 1), 1, Padding.same, true),
        (Shape(6, 7, 2), 3, (3, 3), 1, Padding.same, false),
        (Shape(7, 7, 2), 3, (3, 3), 2, Padding.valid, false),
        (Shape(7, 6, 2), 3, (1, 7), 1, Padding.same, false),
        (Shape(7, 6, 2), 3, (7, 1), 1, Padding.same, false),
        (Shape(6, 6, 2), 2, (1, 3), 1, Padding.same, false),
        (Shape(6, 6, 2), 2, (3, 1), 1, Padding.same, false),
        (Shape(7, 7, 2), 2, (5, 5), 1, Padding.same, true),
        (Shape(8, 8, 1), 3, (3, 3), 2, Padding.valid, false),
    ])
    func conv2D(input: Shape, out: Int, kernel: (Int, Int), stride: Int, padding: Padding, bias: Bool) {
        GradientCheck().verify(conv(input, out, kernel, stride: stride, padding: padding, bias: bias))
    }

    @Test func batchNorm() {
        GradientCheck(batch: 3).verify(BatchNorm(shape: Shape(3, 4, 5), relu: false))
    }

    @Test func batchNormFusedWithReLU() {
        let bn = BatchNorm(shape: Shape(3, 4, 5), relu: true)
        for i in 0..<5 { bn.beta.value[i] = Float(i) * 0.3 - 0.6; bn.gamma.value[i] = 1 + Float(i) * 0.1 }
        GradientCheck(batch: 3).verify(bn)
    }

    @Test func relu() {
        GradientCheck().verify(ReLU(shape: Shape(3, 3, 4)))
    }

    @Test func maxPool() {
        GradientCheck().verify(MaxPool(input: Shape(7, 8, 3)))
    }

    @Test func averagePool() {
        GradientCheck().verify(AvgPool(input: Shape(5, 4, 3)))
    }

    @Test func globalAveragePool() {
        GradientCheck().verify(GlobalAvgPool(input: Shape(3, 5, 4)))
    }

    @Test func dense() {
        var rng = RandomGenerator(seed: 9)
        GradientCheck(strided: false).verify(Dense(input: Shape(1, 1, 6), outputs: 4, rng: &rng))
    }

    @Test func dropout() {
        let layer = Dropout(shape: Shape(2, 3, 4), keep: 0.8, seed: 5)
        let start = layer.generator
        GradientCheck(beforeForward: { layer.generator = start }).verify(layer)
    }

    @Test func concat() {
        let shape = Shape(5, 5, 3)
        let layer = Concat([conv(shape, 2, (1, 1)), conv(shape, 3, (3, 3), seed: 4), AvgPool(input: shape)])
        GradientCheck().verify(layer)
    }

    @Test("Residual merge with and without its ReLU", arguments: [true, false])
    func residual(relu: Bool) {
        let shape = Shape(4, 4, 3)
        var rng = RandomGenerator(seed: 11)
        let layer = Residual(branch: conv(shape, 2, (3, 3)), scale: 0.2, relu: relu, workspace: workspace, rng: &rng)
        GradientCheck().verify(layer)
    }

    /// A conv unit: convolution without bias → BatchNorm → ReLU (architecture.md §1 `C`).
    func unit(_ input: Shape, _ out: Int, _ k: (Int, Int), stride: Int = 1, padding: Padding = .same,
              seed: UInt64) -> Sequential {
        let c = conv(input, out, k, stride: stride, padding: padding, seed: seed)
        return Sequential(named: [("conv", c), ("bn", BatchNorm(shape: c.outputShape, relu: true))])
    }

    @Test func inceptionBlockWithFourBranches() {
        let s = Shape(5, 5, 4)
        let block = Concat([
            unit(s, 3, (1, 1), seed: 1),
            Sequential([unit(s, 2, (1, 1), seed: 2), unit(Shape(5, 5, 2), 3, (3, 3), seed: 3)]),
            Sequential([unit(s, 2, (1, 1), seed: 4), unit(Shape(5, 5, 2), 2, (1, 7), seed: 5),
                        unit(Shape(5, 5, 2), 3, (7, 1), seed: 6)]),
            Sequential([AvgPool(input: s), unit(s, 2, (1, 1), seed: 7)]),
        ])
        #expect(block.outputShape == Shape(5, 5, 11))
        GradientCheck(batch: 3).verify(block)
    }

    @Test func residualInceptionBlockScaledByPointTwo() {
        let s = Shape(4, 4, 6)
        let branch = Concat([
            unit(s, 2, (1, 1), seed: 1),
            Sequential([unit(s, 2, (1, 1), seed: 2), unit(Shape(4, 4, 2), 2, (3, 3), seed: 3)]),
        ])
        var rng = RandomGenerator(seed: 12)
        GradientCheck(batch: 3).verify(Residual(branch: branch, scale: 0.2, workspace: workspace, rng: &rng))
    }
}
