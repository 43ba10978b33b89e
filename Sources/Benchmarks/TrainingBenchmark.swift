import Engine
import Models

/// Whole training steps of one network (forward, backward, RMSProp update) on synthetic images, for
/// `bench train`.
///
/// After `warmup` untimed steps, `steps` steps are timed with a `Profiler` attached, which charges every layer's
/// passes to its kind; the optimizer's update is charged to `optimizer`, and the rest of the step (loss, gradient
/// norm, everything not inside a timed layer) to `other`. Achieved GFLOP/s counts `3 × 2 × MACs` per image
/// (forward, input gradient, weight gradient) and is compared with a plain `gemm` (the same backend's) of an
/// Inception-shaped GEMM measured in the same run: `M = 64·15·15 = 14,400`, `N = 96`, `K = 3·3·64 = 576` (a 3×3
/// convolution 64→96 on a 15×15 grid at batch 64).
public enum TrainingBenchmark {
    public struct Result: Sendable, Codable {
        public var model: String
        public var width: Double
        public var batch: Int
        /// The processor it ran on (`Processor.current`).
        public var processor: String
        /// The backend that ran the products (`Backend`'s raw value).
        public var backend: String
        public var threads: Int
        public var parameters: Int
        /// Forward multiply-adds per image.
        public var macs: Int
        public var imagesPerSecond: Double
        public var millisecondsPerStep: Double
        public var gflops: Double
        public var sgemmGFLOPS: Double
        public var percentOfSgemm: Double { 100 * gflops / sgemmGFLOPS }
        /// Milliseconds per step charged to each `Profiler.Kind` (raw values as keys).
        public var breakdown: [String: Double]
    }

    public static func run(_ config: ModelConfig, batch: Int, steps: Int, warmup: Int = 3, seed: UInt64 = 0) throws
        -> Result {
        let model = try Model(config, seed: seed)
        let network = model.network
        let optimizer = RMSProp(parameters: network.parameters)
        var rng = RandomGenerator(seed: seed, stream: 2)
        let images = Tensor(shape: network.inputShape).view(batch: batch)
        for i in 0..<images.count { images.base[i] = Float(rng.nextNormal()) }
        let labels = (0..<batch).map { _ in Int32(rng.next() % UInt64(config.classes)) }
        let profiler = Profiler()

        func step() {
            network.forward(images, mode: .training)
            _ = labels.withUnsafeBufferPointer { network.loss(labels: $0) }
            network.backward()
            _ = GradientTransform.globalNorm(network.parameters)
            network.profiler.measure(.optimizer) { optimizer.step(learningRate: 0.01) }
        }
        for _ in 0..<warmup { step() }
        network.profiler = profiler
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<steps { step() } }
        network.profiler = nil
        let total = elapsed.seconds

        var breakdown = Dictionary(uniqueKeysWithValues: profiler.seconds.map {
            ($0.key.rawValue, 1000 * $0.value / Double(steps))
        })
        breakdown[Profiler.Kind.other.rawValue, default: 0]
            += 1000 * (total - profiler.seconds.values.reduce(0, +)) / Double(steps)
        let imagesPerSecond = Double(batch * steps) / total
        return Result(model: config.model.rawValue, width: config.width, batch: batch, processor: Processor.current,
                      backend: Backend.current.rawValue, threads: BLASThreads.count,
                      parameters: model.parameterCount, macs: model.macs, imagesPerSecond: imagesPerSecond,
                      millisecondsPerStep: 1000 * total / Double(steps),
                      gflops: 6 * Double(model.macs) * imagesPerSecond / 1e9,
                      sgemmGFLOPS: Stopwatch().sgemmGFLOPS(m: 14_400, n: 96, k: 576),
                      breakdown: breakdown)
    }

}
