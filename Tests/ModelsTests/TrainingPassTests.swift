import Engine
import Models
import Testing

/// Forward and backward passes through whole networks, as a trainer runs them.
@Suite("Training passes through whole networks")
struct TrainingPassTests {
    /// Fills a batch with seeded standard-normal images and returns it with labels.
    static func batch(_ shape: Shape, _ n: Int, classes: Int, seed: UInt64) -> (Tensor, [Int32]) {
        var rng = RandomGenerator(seed: seed, stream: 5)
        let values = (0..<n * shape.count).map { _ in Float(rng.nextNormal()) }
        let labels = (0..<n).map { _ in Int32(rng.next() % UInt64(classes)) }
        return (Tensor(shape: shape, batch: n, values: values), labels)
    }

    @Test("finite outputs and gradients at width 0.125", arguments: ModelName.allCases)
    func finitePasses(model: ModelName) throws {
        let m = try Model(ModelConfig(model: model, width: 0.125, stem: .compact, inputSize: 32, inputChannels: 1,
                                      classes: 10), seed: 3)
        let (images, labels) = Self.batch(m.network.inputShape, 2, classes: 10, seed: 1)
        let logits = m.network.forward(images.view(batch: 2), mode: .training)
        #expect(logits.toArray().allSatisfy { $0.isFinite })
        #expect(m.activation(m.prePool).toArray().allSatisfy { $0.isFinite })
        let result = labels.withUnsafeBufferPointer { m.network.loss(labels: $0) }
        #expect(result.isFinite)
        m.network.backward()
        for p in m.network.parameters { #expect(p.gradient.allSatisfy { $0.isFinite }) }
        #expect(m.network.parameters.contains { $0.gradient.contains { $0 != 0 } })
        // Inference uses the moving statistics and no dropout.
        #expect(m.network.forward(images.view(batch: 2), mode: .inference).toArray().allSatisfy { $0.isFinite })
    }
}
