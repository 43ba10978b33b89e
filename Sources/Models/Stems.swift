import Engine

/// The stems of docs/models.md#stems: the layers from the input image to the first (35×35 at 299) grid.
enum Stems {
    /// The stem `config` asks for: the model's paper stem, or the compact stem ending at the same width.
    static func stem(_ config: ModelConfig, _ b: Builder) -> Recipe {
        switch (config.stem, config.model) {
        case (.compact, let model): compact(b, width: model.stemChannels)
        case (.paper, .inceptionV3), (.paper, .inceptionResNetV2): v3(b)
        case (.paper, .inceptionV4), (.paper, .inceptionResNetV2Paper): v4(b)
        case (.paper, .inceptionResNetV1): v1(b)
        }
    }

    /// The v4 stem (paper Fig. 3), 299×299 → 35×35×384:
    /// `C(32,3,s2,V) → C(32,3,V) → C(64,3) → [MP ‖ C(96,3,s2,V)] →
    ///  [[C(64,1) → C(96,3,V)] ‖ [C(64,1) → C(64,1×7) → C(64,7×1) → C(96,3,V)]] → [C(192,3,s2,V) ‖ MP]`.
    static func v4(_ b: Builder) -> Recipe {
        b.seq(
            b.unit(32, (3, 3), stride: 2, padding: .valid),
            b.unit(32, (3, 3), padding: .valid),
            b.unit(64, (3, 3)),
            b.concat(b.maxPool, b.unit(96, (3, 3), stride: 2, padding: .valid)),
            b.concat(
                b.seq(b.unit(64), b.unit(96, (3, 3), padding: .valid)),
                b.seq(b.unit(64), b.unit(64, (1, 7)), b.unit(64, (7, 1)), b.unit(96, (3, 3), padding: .valid))),
            b.concat(b.unit(192, (3, 3), stride: 2, padding: .valid), b.maxPool))
    }

    /// The v3 stem, 299×299 → 35×35×192:
    /// `C(32,3,s2,V) → C(32,3,V) → C(64,3) → MP → C(80,1) → C(192,3,V) → MP`.
    static func v3(_ b: Builder) -> Recipe { v3Prefix(b, then: b.maxPool) }

    /// The v1 stem (paper Fig. 14), 299×299 → 35×35×256: the v3 stem with its last MP replaced by
    /// `C(256,3,s2,V)`.
    static func v1(_ b: Builder) -> Recipe { v3Prefix(b, then: b.unit(256, (3, 3), stride: 2, padding: .valid)) }

    /// The v3 stem up to `C(192,3,V)`, then `last`.
    private static func v3Prefix(_ b: Builder, then last: Recipe) -> Recipe {
        b.seq(
            b.unit(32, (3, 3), stride: 2, padding: .valid),
            b.unit(32, (3, 3), padding: .valid),
            b.unit(64, (3, 3)),
            b.maxPool,
            b.unit(80),
            b.unit(192, (3, 3), padding: .valid),
            last)
    }

    /// This project's stem for small images, `C(32,3) → C(64,3) → C(W,3,s2,V)`: 32×32 → 15×15, 28×28 → 13×13,
    /// with `W` the width of the model's paper stem.
    static func compact(_ b: Builder, width: Int) -> Recipe {
        b.seq(b.unit(32, (3, 3)), b.unit(64, (3, 3)), b.unit(width, (3, 3), stride: 2, padding: .valid))
    }
}
