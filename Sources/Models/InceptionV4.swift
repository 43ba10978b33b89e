import Engine

/// Inception-v4 (paper Fig. 9), 299×299×3 → 1000: 42,679,816 parameters.
///
/// stem (v4) → 35×35×384 → A ×4 → Reduction-A → 17×17×1024 → B ×7 → Reduction-B → 8×8×1536 → C ×3 → 1536.
enum InceptionV4 {
    static func body(_ config: ModelConfig, _ b: Builder, into layout: inout Layout) {
        let r = config.repeats
        layout.stage("inception_a", count: r.a) { _ in inceptionA(b) }
        layout.append("reduction_a", Reductions.a(b, k: 192, l: 224, m: 256, n: 384))
        layout.stage("inception_b", count: r.b) { _ in
            InceptionV3.inceptionB(b, single: 384, seven: (192, 224, 256), doubleSeven: (192, 192, 224, 224, 256),
                                   pool: 128)
        }
        layout.append("reduction_b", Reductions.factorizedB(b, 192, 192, 256, 256, 320, 320))
        layout.stage("inception_c", count: r.c) { _ in inceptionC(b) }
    }

    /// Inception-A (paper Fig. 4), 35×35×384:
    /// `C(96,1) ‖ [C(64,1) → C(96,3)] ‖ [C(64,1) → C(96,3) → C(96,3)] ‖ [AP → C(96,1)]`.
    static func inceptionA(_ b: Builder) -> Recipe {
        b.concat(
            b.unit(96),
            b.seq(b.unit(64), b.unit(96, (3, 3))),
            b.seq(b.unit(64), b.unit(96, (3, 3)), b.unit(96, (3, 3))),
            b.seq(b.avgPool, b.unit(96)))
    }

    /// Inception-C (paper Fig. 6), 8×8×1536: `C(256,1) ‖ [C(384,1) → (C(256,1×3) ‖ C(256,3×1))] ‖
    /// [C(384,1) → C(448,3×1) → C(512,1×3) → (C(256,1×3) ‖ C(256,3×1))] ‖ [AP → C(256,1)]`.
    static func inceptionC(_ b: Builder) -> Recipe {
        b.concat(
            b.unit(256),
            b.seq(b.unit(384), b.split3(256)),
            b.seq(b.unit(384), b.unit(448, (3, 1)), b.unit(512, (1, 3)), b.split3(256)),
            b.seq(b.avgPool, b.unit(256)))
    }
}
