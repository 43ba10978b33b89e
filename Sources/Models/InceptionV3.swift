import Engine

/// Inception-v3 without its auxiliary head (docs/models.md#inception-v3), 299×299×3 → 1000: 23,834,568 parameters.
///
/// stem (v3) → 35×35×192 → A ×3 → 288 → reduction → 17×17×768 → B ×4 → reduction → 8×8×1280 → C ×2 → 2048.
enum InceptionV3 {
    static func body(_ config: ModelConfig, _ b: Builder, into layout: inout Layout) {
        let r = config.repeats
        // Pool-branch widths 32, 64, 64: the first block 32, every later one 64.
        layout.stage("inception_a", count: r.a) { i in inceptionA(b, first: 64, pool: i == 1 ? 32 : 64) }
        layout.append("reduction_a", Reductions.a(b, k: 64, l: 96, m: 96, n: 384))
        // Factorised widths c = 128, 160, 160, 192: 128 first, 192 last, 160 between.
        layout.stage("inception_b", count: r.b) { i in
            let c = i == 1 ? 128 : i == r.b ? 192 : 160
            return inceptionB(b, single: 192, seven: (c, c, 192), doubleSeven: (c, c, c, c, 192), pool: 192)
        }
        layout.append("reduction_b", Reductions.factorizedB(b, 192, 320, 192, 192, 192, 192))
        layout.stage("inception_c", count: r.c) { _ in inceptionC(b) }
    }

    /// The 35×35 block: `C(first,1) ‖ [C(48,1) → C(64,5)] ‖ [C(64,1) → C(96,3) → C(96,3)] ‖ [AP → C(pool,1)]`.
    /// Inception-v3 uses `first` 64; the released Inception-ResNet-v2's Mixed_5b is this block with 96 and 64.
    static func inceptionA(_ b: Builder, first: Int, pool: Int) -> Recipe {
        b.concat(
            b.unit(first),
            b.seq(b.unit(48), b.unit(64, (5, 5))),
            b.seq(b.unit(64), b.unit(96, (3, 3)), b.unit(96, (3, 3))),
            b.seq(b.avgPool, b.unit(pool)))
    }

    /// The 17×17 block with factorised 7×7 convolutions (also Inception-v4's Inception-B, paper Fig. 5):
    /// `C(n,1) ‖ [C(k,1) → C(l,1×7) → C(m,7×1)] ‖ [C(p,1) → C(q,7×1) → C(r,1×7) → C(s,7×1) → C(t,1×7)] ‖
    ///  [AP → C(pool,1)]`.
    static func inceptionB(_ b: Builder, single n: Int, seven: (k: Int, l: Int, m: Int),
                           doubleSeven d: (p: Int, q: Int, r: Int, s: Int, t: Int), pool: Int) -> Recipe {
        b.concat(
            b.unit(n),
            b.seq(b.unit(seven.k), b.unit(seven.l, (1, 7)), b.unit(seven.m, (7, 1))),
            b.seq(b.unit(d.p), b.unit(d.q, (7, 1)), b.unit(d.r, (1, 7)), b.unit(d.s, (7, 1)), b.unit(d.t, (1, 7))),
            b.seq(b.avgPool, b.unit(pool)))
    }

    /// The 8×8 block: `C(320,1) ‖ [C(384,1) → (C(384,1×3) ‖ C(384,3×1))] ‖
    /// [C(448,1) → C(384,3) → (C(384,1×3) ‖ C(384,3×1))] ‖ [AP → C(192,1)]` → 2048.
    static func inceptionC(_ b: Builder) -> Recipe {
        b.concat(
            b.unit(320),
            b.seq(b.unit(384), b.split3(384)),
            b.seq(b.unit(448), b.unit(384, (3, 3)), b.split3(384)),
            b.seq(b.avgPool, b.unit(192)))
    }
}
