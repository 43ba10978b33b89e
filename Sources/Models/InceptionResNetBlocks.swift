import Engine

/// The residual Inception blocks shared by Inception-ResNet-v1 and both v2 layouts; each ends in `Res(F, s)`,
/// whose 1×1 expansion `L` restores the block's input width.
enum InceptionResNet {
    /// Inception-ResNet-A (paper Figs. 10, 16), 35×35:
    /// `Res(C(32,1) ‖ [C(32,1) → C(32,3)] ‖ [C(32,1) → C(p,3) → C(q,3)], s)`. v1: (32, 32); v2: (48, 64).
    static func blockA(_ b: Builder, p: Int, q: Int, scale: Double) -> Recipe {
        b.residual(
            b.concat(
                b.unit(32),
                b.seq(b.unit(32), b.unit(32, (3, 3))),
                b.seq(b.unit(32), b.unit(p, (3, 3)), b.unit(q, (3, 3)))),
            scale: scale)
    }

    /// Inception-ResNet-B (paper Figs. 11, 17), 17×17:
    /// `Res(C(n,1) ‖ [C(128,1) → C(p,1×7) → C(q,7×1)], s)`. v1: (128, 128, 128); v2: (192, 160, 192).
    static func blockB(_ b: Builder, n: Int, p: Int, q: Int, scale: Double) -> Recipe {
        b.residual(
            b.concat(b.unit(n), b.seq(b.unit(128), b.unit(p, (1, 7)), b.unit(q, (7, 1)))),
            scale: scale)
    }

    /// Inception-ResNet-C (paper Figs. 13, 19), 8×8:
    /// `Res(C(192,1) ‖ [C(192,1) → C(p,1×3) → C(q,3×1)], s, relu)`. v1: (192, 192); v2: (224, 256).
    static func blockC(_ b: Builder, p: Int, q: Int, scale: Double, relu: Bool = true) -> Recipe {
        b.residual(
            b.concat(b.unit(192), b.seq(b.unit(192), b.unit(p, (1, 3)), b.unit(q, (3, 1)))),
            scale: scale, relu: relu)
    }
}

extension ModelConfig {
    /// The residual scales the layout uses: the configured ones, else the model's defaults.
    var scales: ResidualScales { residualScales ?? model.defaultResidualScales ?? ResidualScales(1, 1, 1) }

    /// Whether C block `i` (1-based) ends in its ReLU: all of them but the last when the extra pre-pool BatchNorm
    /// follows it, which brings its own (`ReLU(BN(x + s·L(F(x))))`).
    func cBlockReLU(_ i: Int) -> Bool { !(prePoolBatchNorm && i == repeats.c) }
}
