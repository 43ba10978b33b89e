import Engine

/// Inception-ResNet-v1 (paper Fig. 15), 299×299×3 → 1000: 22,756,328 parameters.
///
/// stem (v1) → 35×35×256 → IR-A ×5 → Reduction-A → 17×17×896 → IR-B ×10 → Reduction-B → 8×8×1792 → IR-C ×5.
enum InceptionResNetV1 {
    static func body(_ config: ModelConfig, _ b: Builder, into layout: inout Layout) {
        let r = config.repeats, s = config.scales
        layout.stage("inception_a", count: r.a) { _ in InceptionResNet.blockA(b, p: 32, q: 32, scale: s.a) }
        layout.append("reduction_a", Reductions.a(b, k: 192, l: 192, m: 256, n: 384))
        layout.stage("inception_b", count: r.b) { _ in InceptionResNet.blockB(b, n: 128, p: 128, q: 128, scale: s.b) }
        layout.append("reduction_b", Reductions.residualB(b, p: 256, q: 256, r: 256))
        layout.stage("inception_c", count: r.c) { i in
            InceptionResNet.blockC(b, p: 192, q: 192, scale: s.c, relu: config.cBlockReLU(i))
        }
    }
}
