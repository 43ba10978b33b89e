import CKernels
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

    /// Contiguous tensors take the grouped kernels (several pixels per vector loop, leftover pixels one by one);
    /// these shapes cover narrow, odd and wide channel counts with and without leftovers.
    @Test("BatchNorm on contiguous tensors", arguments: [(Shape(3, 3, 5), true), (Shape(3, 3, 3), false),
                                                         (Shape(2, 3, 70), true), (Shape(4, 4, 8), true)])
    func batchNormContiguous(shape: Shape, relu: Bool) {
        let bn = BatchNorm(shape: shape, relu: relu)
        for i in 0..<shape.channels { bn.beta.value[i] = Float(i % 5) * 0.2 - 0.4 }
        GradientCheck(batch: 3, strided: false).verify(bn)
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

    @Test("Residual merge with and without its ReLU, strided and contiguous",
          arguments: [(true, true), (false, true), (true, false), (false, false)])
    func residual(relu: Bool, strided: Bool) {
        let shape = Shape(4, 3, 11)
        var rng = RandomGenerator(seed: 11)
        let layer = Residual(branch: conv(shape, 2, (3, 3)), scale: 0.2, relu: relu, workspace: workspace, rng: &rng)
        GradientCheck(batch: 3, strided: strided).verify(layer)
    }

    @Test("ChannelScale, per channel (LayerScale) and shared (ReZero)", arguments: [true, false])
    func channelScale(perChannel: Bool) {
        let layer = ChannelScale(shape: Shape(3, 4, 5), perChannel: perChannel, initialValue: 0.3)
        #expect(layer.gamma.dimensions == [perChannel ? 5 : 1])
        GradientCheck(batch: 3).verify(layer)
    }

    /// `x + s·γ ⊙ L(F(x))`: LayerScale (per channel) and ReZero (one scalar) with and without the ReLU; ReZero also
    /// at its initial 0, where the branch gets no gradient but `γ` does.
    @Test("Residual merge with a learned scale", arguments: [
        (true, Float(0.1), true), (true, Float(0.1), false), (false, Float(0.3), true), (false, Float(0), true),
    ])
    func residualWithLearnedScale(perChannel: Bool, initialValue: Float, relu: Bool) {
        let shape = Shape(4, 3, 11)
        var rng = RandomGenerator(seed: 11)
        let learned = ChannelScale(shape: shape, perChannel: perChannel, initialValue: initialValue)
        let layer = Residual(branch: conv(shape, 2, (3, 3)), scale: 0.5, relu: relu, learnedScale: learned,
                             workspace: workspace, rng: &rng)
        let errors = GradientCheck(batch: 3).errors(of: layer)
        #expect(errors.map(\.name).contains("scale.gamma"))
        for (name, error) in errors { #expect(error < 1e-2, "gradient of \(name): relative error \(error)") }
    }

    /// A conv unit: convolution without bias → BatchNorm → ReLU (`C` of docs/models.md#building-blocks).
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

    /// The fused heads of a block (`PointwiseHeads`: three 1×1 heads, one after the pool branch's average pool,
    /// which then runs after it) give what the branches give run one by one: the block's output, its input
    /// gradient and every parameter's gradient, to float rounding. (The gradient checks alone would pass a fused
    /// forward that computed another function consistently.)
    @Test func fusedHeadsGiveTheBranchesRunOneByOne() {
        let s = Shape(5, 5, 6), batch = 3
        let branches: [Sequential] = [
            unit(s, 3, (1, 1), seed: 1),
            Sequential([unit(s, 2, (1, 1), seed: 2), unit(Shape(5, 5, 2), 3, (3, 3), seed: 3)]),
            Sequential([AvgPool(input: s), unit(s, 2, (1, 1), seed: 4)]),
        ]
        let block = Concat(branches)
        var rng = RandomGenerator(seed: 9)
        func random(_ shape: Shape) -> TensorView {
            Tensor(shape: shape, batch: batch, values: (0..<batch * shape.count).map { _ in rng.nextUniform() * 2 - 1 })
                .view(batch: batch)
        }
        func close(_ a: [Float], _ b: [Float], _ tolerance: Float) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < tolerance }
        }
        let x = random(s), dy = random(block.outputShape)
        let y = Tensor(shape: block.outputShape).view(batch: batch), dx = Tensor(shape: s).view(batch: batch)
        block.forward(x, into: y, mode: .training)
        block.backward(dy, into: dx, accumulate: false)
        let fusedGradients = block.parameters.map { Array($0.gradient) }

        var start = 0, alone = [Float](repeating: 0, count: batch * s.count)
        for branch in branches {
            let n = branch.outputShape.channels
            let out = Tensor(shape: branch.outputShape).view(batch: batch)
            let g = Tensor(shape: branch.outputShape).view(batch: batch), down = Tensor(shape: s).view(batch: batch)
            branch.forward(x, into: out, mode: .training)
            #expect(close(y.channels(start, count: n).toArray(), out.toArray(), 1e-5), "output of channels \(start)…")
            g.copy(from: dy.channels(start, count: n))
            branch.backward(g, into: down, accumulate: false)
            alone = zip(alone, down.toArray()).map(+)
            start += n
        }
        #expect(close(dx.toArray(), alone, 1e-5), "input gradient")
        for (p, fused) in zip(block.parameters, fusedGradients) {
            #expect(close(Array(p.gradient), fused, 1e-4), "gradient of \(p.name)")
        }
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

@Suite("BatchNorm statistics")
struct BatchNormStatisticsTests {
    /// Training normalises with the batch's mean and biased variance and moves the moving statistics towards the
    /// batch's (unbiased variance); inference applies the moving statistics.
    @Test func trainingAndInference() {
        let shape = Shape(1, 3, 2)   // one row of three pixels, two channels; batch 2 → 6 values per channel
        let values: [Float] = [1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60]
        let bn = BatchNorm(shape: shape, relu: false, decay: 0.5)
        let x = Tensor(shape: shape, batch: 2, values: values)
        let y = Tensor(shape: shape)
        bn.forward(x.view(batch: 2), into: y.view(batch: 2), mode: .training)
        let out = y.view(batch: 2).toArray()
        let channel0 = stride(from: 0, to: 12, by: 2).map { out[$0] }
        let expected0 = (1...6).map { (Float($0) - 3.5) / (17.5 / 6 + 0.001).squareRoot() }
        #expect(zip(channel0, expected0).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(abs(bn.movingMean.value[1] - 0.5 * 35) < 1e-4)
        #expect(abs(bn.movingVariance.value[0] - (0.5 + 0.5 * 3.5)) < 1e-5)   // unbiased variance of 1…6 is 3.5

        bn.gamma.value[0] = 2
        bn.beta.value[0] = 1
        bn.forward(x.view(batch: 2), into: y.view(batch: 2), mode: .inference)
        let inferred = y.view(batch: 2).toArray()[0]
        #expect(abs(inferred - (2 * (1 - bn.movingMean.value[0]) / (bn.movingVariance.value[0] + 0.001).squareRoot()
                                + 1)) < 1e-5)
    }

    /// The variance comes from sums shifted by a sample of the batch, so data far from zero keeps its precision:
    /// with mean 1000 and standard deviation 1 the unshifted Σx²/M − (Σx/M)² in Float cancels down to noise
    /// (x² ≈ 10⁶, whose rounding step alone is 0.06), which this check would catch.
    @Test func largeMeanKeepsVariancePrecision() {
        let shape = Shape(6, 6, 3), batch = 8
        var rng = RandomGenerator(seed: 21)
        let values = (0..<batch * shape.count).map { _ in Float(1000 + rng.nextNormal()) }
        let bn = BatchNorm(shape: shape, relu: false, decay: 0)   // decay 0: the moving statistics are the batch's
        let x = Tensor(shape: shape, batch: batch, values: values)
        let y = Tensor(shape: shape)
        bn.forward(x.view(batch: batch), into: y.view(batch: batch), mode: .training)
        let out = y.view(batch: batch).toArray()
        let m = batch * shape.pixels
        for ch in 0..<shape.channels {
            let xs = stride(from: ch, to: values.count, by: shape.channels).map { Double(values[$0]) }
            let mean = xs.reduce(0, +) / Double(m)
            let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m)
            #expect(abs(Double(bn.movingMean.value[ch]) - mean) < 1e-3)
            #expect(abs(Double(bn.movingVariance.value[ch]) - variance * Double(m) / Double(m - 1)) < 1e-3 * variance)
            for (k, v) in zip(stride(from: ch, to: values.count, by: shape.channels), xs) {
                let expected = (v - mean) / (variance + 0.001).squareRoot()
                #expect(abs(Double(out[k]) - expected) < 2e-3)
            }
        }
    }
}

@Suite("Elementwise kernels on several threads and vector widths", .serialized)
struct ElementwiseThreadingTests {
    /// What `pass` computes with `threads` threads for the elementwise kernels (the run's threads, on oneDNN).
    func results(threads: Int, _ pass: () -> [[Float]]) -> [[Float]] {
        Backend.withBackend(.onednn) {
            BLASThreads.withThreads(threads) {
                #expect(ElementwiseThreads.count == threads)
                return pass()
            }
        }
    }

    /// Expects `pass` to give the same bits on one thread and on two, result by result (`names`).
    func expectSameBitsOnOneAndTwoThreads(_ names: [String], _ pass: () -> [[Float]]) {
        expectSameBits(names, results(threads: 1, pass), results(threads: 2, pass), "")
    }

    /// Expects each of `expected` to have the bits of its counterpart in `actual` (`names` name them, `label` says
    /// which run `actual` came from).
    func expectSameBits(_ names: [String], _ expected: [[Float]], _ actual: [[Float]], _ label: String) {
        for (name, (a, b)) in zip(names, zip(expected, actual)) {
            // Counted rather than compared as arrays: a failing == on 10⁵ elements makes the test library diff them.
            let differing = zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(a.count == b.count && differing == 0, "\(name)\(label): \(differing) of \(a.count) values differ")
        }
    }

    /// One forward and backward pass of a BatchNorm on fixed data: everything it computes.
    func batchNormPass(shape: Shape, batch: Int, relu: Bool, strided: Bool) -> [[Float]] {
        var rng = RandomGenerator(seed: 5)
        let bn = BatchNorm(shape: shape, relu: relu)
        for i in 0..<shape.channels {
            bn.gamma.value[i] = 1 + Float(i % 7) * 0.1; bn.beta.value[i] = Float(i % 5) * 0.2 - 0.4
        }
        let pad = strided ? 3 : 0
        let wide = Shape(shape.height, shape.width, shape.channels + pad)
        let x = Tensor(shape: wide).view(batch: batch), y = Tensor(shape: wide).view(batch: batch)
        let dy = Tensor(shape: wide).view(batch: batch), dx = Tensor(shape: wide).view(batch: batch)
        for i in 0..<x.count { x.base[i] = Float(3 + rng.nextNormal()); dy.base[i] = Float(rng.nextNormal()) }
        func slice(_ v: TensorView) -> TensorView { strided ? v.channels(1, count: shape.channels) : v }
        bn.forward(slice(x), into: slice(y), mode: .training)
        bn.backward(slice(dy), into: slice(dx), accumulate: false)
        return [slice(y).toArray(), slice(dx).toArray(), Array(bn.gamma.gradient), Array(bn.beta.gradient),
                Array(bn.movingMean.value), Array(bn.movingVariance.value)]
    }

    /// Determinism: the rows are split into chunks that do not depend on the thread count and the chunks' sums are
    /// combined in a fixed order, so two threads give the very same bits as one. The tensors are large enough
    /// (over 65,536 floats) for the kernels to take the threaded path.
    @Test("BatchNorm gives bit-identical results on 1 and 2 threads",
          arguments: [(Shape(16, 16, 40), true, false), (Shape(15, 15, 24), false, false),
                      (Shape(16, 16, 37), true, true)])
    func batchNormIsDeterministic(shape: Shape, relu: Bool, strided: Bool) {
        #expect(16 * shape.count >= 65_536)
        expectSameBitsOnOneAndTwoThreads(["output", "input gradient", "gamma gradient", "beta gradient", "moving mean",
                                          "moving variance"]) {
            batchNormPass(shape: shape, batch: 16, relu: relu, strided: strided)
        }
    }

    /// Expects `pass` to give the same bits with each vector instruction set the processor has as with the
    /// baseline, result by result (`names`). The elementwise kernels in C are compiled for AVX-512, AVX2 and the
    /// baseline and pick one at run time; results must never depend on the machine.
    func expectSameBitsOnEveryVectorWidth(_ names: [String], _ pass: () -> [[Float]]) {
        let widest = Int(ck_vectors())
        defer { ck_cap_vectors(Int32(CK_VECTORS_AVX512)) }
        func results(_ vectors: Int) -> [[Float]] {
            ck_cap_vectors(Int32(vectors))
            #expect(Int(ck_vectors()) == vectors)
            return pass()
        }
        let baseline = results(CK_VECTORS_BASELINE)
        for vectors in [CK_VECTORS_AVX2, CK_VECTORS_AVX512] where vectors <= widest {
            expectSameBits(names, baseline, results(vectors), " with vectors \(vectors)")
        }
    }

    @Test("BatchNorm gives bit-identical results on every vector instruction set",
          arguments: [(Shape(15, 15, 24), true, false), (Shape(5, 7, 20), false, false), (Shape(6, 6, 37), true, true)])
    func batchNormIsTheSameOnEveryVectorWidth(shape: Shape, relu: Bool, strided: Bool) {
        expectSameBitsOnEveryVectorWidth(["output", "input gradient", "gamma gradient", "beta gradient"]) {
            batchNormPass(shape: shape, batch: 4, relu: relu, strided: strided)
        }
    }

    /// The merge y = max(x + s·r, 0) and its gradient split, on contiguous pixels (groups of several) and on a
    /// strided channel slice (one pixel at a time, 37 floats: two vectors and a masked third).
    @Test("The residual merge gives bit-identical results on every vector instruction set", arguments: [false, true])
    func residualMergeIsTheSameOnEveryVectorWidth(strided: Bool) {
        let rows = 50, channels = 37, stride = strided ? 40 : 37
        var rng = RandomGenerator(seed: 11)
        let inputs = (0..<4).map { _ in (0..<rows * stride).map { _ in Float(rng.nextNormal()) } }
        let pixels = ck_pixels(start: 0, end: rows, group: strided ? 1 : 16, channels: channels)
        expectSameBitsOnEveryVectorWidth(["output", "input gradient", "branch gradient"]) {
            var (x, r, dy, dx) = (inputs[0], inputs[1], inputs[2], inputs[3])
            var y = [Float](repeating: 0, count: rows * stride), dr = y
            ck_residual_merge(pixels, &x, stride, &r, stride, &y, stride, 0.2, 0)
            ck_residual_split(pixels, &dy, stride, &y, stride, 1, 0.2, &dx, stride, 1, &dr, stride)
            return [y, dx, dr]
        }
    }

    @Test("The optimizers' kernels give bit-identical results on every vector instruction set")
    func optimizerKernelsAreTheSameOnEveryVectorWidth() {
        var rng = RandomGenerator(seed: 12)
        let count = 37, start = (0..<3).map { _ in (0..<count).map { _ in Float(rng.nextNormal()) } }
        expectSameBitsOnEveryVectorWidth(["RMSProp weights", "mean squares", "momentum", "SGD weights", "velocity",
                                          "decayed gradient", "sum of squares"]) {
            var (w, ms, mom) = (start[0], start[1].map { $0 * $0 }, start[2])
            ck_rmsprop_update(count, &w, start[1], &ms, &mom, 0.045, 0.9, 0.9, 1)
            var (w2, v) = (start[0], start[2])
            ck_momentum_update(count, &w2, start[1], &v, 0.01, 0.9)
            var g = start[1], squares: Float = 0
            ck_weight_decay(count, &g, start[0], 4e-5)
            ck_sum_of_squares(count, g, &squares)
            return [w, ms, mom, w2, v, g, [squares]]
        }
    }

    /// One forward and backward pass of a 3×3 pool over 16 images of 15×15×24: the output and input gradient.
    func poolPass(average: Bool) -> [[Float]] {
        let shape = Shape(15, 15, 24), batch = 16
        var rng = RandomGenerator(seed: 9)
        let pool: any Layer = average ? AvgPool(input: shape) : MaxPool(input: shape)
        let x = Tensor(shape: shape).view(batch: batch), dx = Tensor(shape: shape).view(batch: batch)
        let y = Tensor(shape: pool.outputShape).view(batch: batch)
        let dy = Tensor(shape: pool.outputShape).view(batch: batch)
        for i in 0..<x.count { x.base[i] = Float(rng.nextNormal()) }
        for i in 0..<dy.count { dy.base[i] = Float(rng.nextNormal()) }
        pool.forward(x, into: y, mode: .training)
        pool.backward(dy, into: dx, accumulate: false)
        return [y.toArray(), dx.toArray()]
    }

    /// The pools split the batch by image (a window never leaves its image), so two threads write the same outputs
    /// and accumulate the same input gradients, in the same order, as one.
    @Test("Pooling gives bit-identical results on 1 and 2 threads", arguments: [false, true])
    func poolingIsDeterministic(average: Bool) {
        #expect(16 * Shape(15, 15, 24).count >= 65_536)
        expectSameBitsOnOneAndTwoThreads(["output", "input gradient"]) { poolPass(average: average) }
    }

    @Test("The average pool gives bit-identical results on every vector instruction set")
    func averagePoolIsTheSameOnEveryVectorWidth() {
        expectSameBitsOnEveryVectorWidth(["output", "input gradient"]) { poolPass(average: true) }
    }
}
