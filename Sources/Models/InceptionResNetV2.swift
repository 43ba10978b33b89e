import Engine

/// Inception-ResNet-v2 in its two layouts, which share the blocks and reductions and differ around them.
enum InceptionResNetV2 {
    /// The paper's layout (Fig. 15 with the v4 stem), every expansion matching its input width:
    /// stem (v4) → 35×35×384 → IR-A ×5 → Reduction-A → 17×17×1152 → IR-B ×10 → Reduction-B → 8×8×2144 → IR-C ×5.
    /// 32,433,928 parameters at 299×299×3 → 1000.
    static func paperBody(_ config: ModelConfig, _ b: Builder, into layout: inout Layout) {
        let r = config.repeats, s = config.scales
        layout.stage("inception_a", count: r.a) { _ in blockA(b, scale: s.a) }
        layout.append("reduction_a", reductionA(b))
        layout.stage("inception_b", count: r.b) { _ in blockB(b, scale: s.b) }
        layout.append("reduction_b", reductionB(b))
        layout.stage("inception_c", count: r.c) { i in blockC(b, scale: s.c, relu: config.cBlockReLU(i)) }
    }

    /// The released layout (TF-slim, Keras, timm): stem (v3) → 35×35×192 → Mixed_5b → 320 → IR-A ×10 →
    /// Reduction-A → 17×17×1088 → IR-B ×20 → Reduction-B → 8×8×2080 → IR-C ×9 → one IR-C with scale 1.0 and no
    /// ReLU (counted in the C repeats) → `C(1536,1)`. 55,843,464 parameters at 299×299×3 → 1000.
    static func releasedBody(_ config: ModelConfig, _ b: Builder, into layout: inout Layout) {
        let r = config.repeats, s = config.scales
        layout.append("mixed_5b", InceptionV3.inceptionA(b, first: 96, pool: 64))
        layout.stage("inception_a", count: r.a) { _ in blockA(b, scale: s.a) }
        layout.append("reduction_a", reductionA(b))
        layout.stage("inception_b", count: r.b) { _ in blockB(b, scale: s.b) }
        layout.append("reduction_b", reductionB(b))
        layout.stage("inception_c", count: r.c) { i in
            i < r.c ? blockC(b, scale: s.c) : blockC(b, scale: 1, relu: false)
        }
        layout.append("final_conv", b.unit(1536))
    }

    /// Inception-ResNet-A of v2 (paper Fig. 16):
    /// `Res(C(32,1) ‖ [C(32,1) → C(32,3)] ‖ [C(32,1) → C(48,3) → C(64,3)], sA)`.
    static func blockA(_ b: Builder, scale: Double) -> Recipe { InceptionResNet.blockA(b, p: 48, q: 64, scale: scale) }

    /// Inception-ResNet-B of v2 (paper Fig. 17): `Res(C(192,1) ‖ [C(128,1) → C(160,1×7) → C(192,7×1)], sB)`.
    static func blockB(_ b: Builder, scale: Double) -> Recipe {
        InceptionResNet.blockB(b, n: 192, p: 160, q: 192, scale: scale)
    }

    /// Inception-ResNet-C of v2 (paper Fig. 19): `Res(C(192,1) ‖ [C(192,1) → C(224,1×3) → C(256,3×1)], sC, relu)`.
    static func blockC(_ b: Builder, scale: Double, relu: Bool = true) -> Recipe {
        InceptionResNet.blockC(b, p: 224, q: 256, scale: scale, relu: relu)
    }

    /// Reduction-A with (k, l, m, n) = (256, 256, 384, 384).
    static func reductionA(_ b: Builder) -> Recipe { Reductions.a(b, k: 256, l: 256, m: 384, n: 384) }

    /// Reduction-B (paper Fig. 18) with widths (288, 288, 320).
    static func reductionB(_ b: Builder) -> Recipe { Reductions.residualB(b, p: 288, q: 288, r: 320) }
}
