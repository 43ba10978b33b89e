import Engine
import Testing

@Suite("Small networks train")
struct TrainingTests {
    /// conv unit → max-pool → residual Inception block (scale 0.2) → global pool → dense: every kind of layer.
    static func tinyNetwork(seed: UInt64, classes: Int, keep: Float) -> Network {
        var rng = RandomGenerator(seed: seed)
        let ws = Workspace()
        func unit(_ s: Shape, _ out: Int, _ k: (Int, Int)) -> Sequential {
            let c = Conv2D(input: s, outputChannels: out, kernel: k, workspace: ws, rng: &rng)
            return Sequential(named: [("conv", c), ("bn", BatchNorm(shape: c.outputShape, relu: true))])
        }
        let stem = unit(Shape(9, 9, 1), 24, (3, 3))
        let pool = MaxPool(input: stem.outputShape)                       // 4×4×24
        let s = pool.outputShape
        let block = Residual(branch: Concat([unit(s, 8, (1, 1)),
                                             Sequential([unit(s, 8, (1, 1)), unit(Shape(4, 4, 8), 8, (3, 3))])]),
                             scale: 0.2, workspace: ws, rng: &rng)
        let gap = GlobalAvgPool(input: s)
        return Network(root: Sequential([stem, pool, block, gap,
                                         Dropout(shape: gap.outputShape, keep: keep, seed: seed),
                                         Dense(input: gap.outputShape, outputs: classes, rng: &rng)]))
    }

    /// 32 fixed random 9×9×1 images with random labels among 4 classes: only memorisation drives the loss down.
    static func fixedBatch() -> (images: Tensor, labels: [Int32]) {
        var rng = RandomGenerator(seed: 99)
        let values = (0..<32 * 81).map { _ in Float(rng.nextNormal()) }
        return (Tensor(shape: Shape(9, 9, 1), batch: 32, values: values), (0..<32).map { _ in Int32(rng.next() % 4) })
    }

    func train(steps: Int, seed: UInt64, keep: Float = 1) -> [Double] {
        let net = Self.tinyNetwork(seed: seed, classes: 4, keep: keep)
        let (images, labels) = Self.fixedBatch()
        let opt = RMSProp(parameters: net.parameters)
        return labels.withUnsafeBufferPointer { labels in
            (0..<steps).map { _ in
                net.forward(images.view(batch: 32), mode: .training)
                let result = net.loss(labels: labels)
                net.backward()
                opt.step(learningRate: 0.02)
                return result.loss
            }
        }
    }

    @Test(arguments: ComputePath.allCases)
    func overfitsThirtyTwoSamples(on path: ComputePath) {
        let losses = path.run { train(steps: 300, seed: 1) }
        #expect(losses[0] > 1.2)   // ln 4 ≈ 1.386 at the start
        #expect(losses.suffix(10).max()! < 0.05, "final losses \(losses.suffix(10))")
    }

    @Test(arguments: ComputePath.allCases)
    func sameSeedGivesBitIdenticalLosses(on path: ComputePath) {
        path.run {
            #expect(train(steps: 20, seed: 7, keep: 0.8) == train(steps: 20, seed: 7, keep: 0.8))
            #expect(train(steps: 5, seed: 7, keep: 0.8) != train(steps: 5, seed: 8, keep: 0.8))
        }
    }

    /// The backends and algorithms sum in other orders: the same training agrees to float rounding, not bit for bit.
    @Test func computePathsAgreeToRounding() {
        let losses = ComputePath.allCases.map { p in p.run { train(steps: 5, seed: 7) } }
        for other in losses.dropFirst() {
            for (a, b) in zip(losses[0], other) { #expect(abs(a - b) <= 1e-4 * max(1, abs(a)), "losses \(a) and \(b)") }
        }
    }
}
