import Models

/// The comparisons the paper makes between configurations of an experiment.
public enum Pairs {
    /// The residual partners of each pure network (architecture.md §7, finding 1): Inception-v3 with
    /// Inception-ResNet-v1, Inception-v4 with both layouts of Inception-ResNet-v2.
    public static let residualPartners: [ModelName: [ModelName]] = [
        .inceptionV3: [.inceptionResNetV1],
        .inceptionV4: [.inceptionResNetV2, .inceptionResNetV2Paper],
    ]

    /// Every (pure, residual) pair of `configurations` whose models are partners and whose other settings —
    /// width, stem, input, recipe, everything but the model name, its repeats and residual scales — are equal.
    /// In the order of `configurations` (pure first, then residual).
    public static func pureResidual(_ configurations: [Configuration]) -> [(pure: Configuration, residual: Configuration)] {
        let ignored = ["model.model", "model.repeats.", "model.residualScales."]
        return configurations.flatMap { pure in
            configurations.compactMap { residual in
                guard residualPartners[pure.settings.model.model]?.contains(residual.settings.model.model) == true,
                      pure.settings.settings(excluding: ignored) == residual.settings.settings(excluding: ignored)
                else { return nil }
                return (pure, residual)
            }
        }
    }

    /// Every (unscaled, scaled) pair of `configurations`: the same residual model and settings but for the
    /// residual scales, the first with every scale 1, the second with any other scales. In the order of
    /// `configurations`.
    public static func unscaledScaled(_ configurations: [Configuration]) -> [(unscaled: Configuration, scaled: Configuration)] {
        let ignored = ["model.residualScales."]
        return configurations.filter(\.settings.isUnscaledResidual).flatMap { unscaled in
            configurations.compactMap { scaled in
                guard scaled.settings.isResidual, !scaled.settings.isUnscaledResidual,
                      scaled.settings.settings(excluding: ignored) == unscaled.settings.settings(excluding: ignored)
                else { return nil }
                return (unscaled, scaled)
            }
        }
    }
}
