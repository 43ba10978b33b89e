import Models

/// The comparisons the paper makes between configurations of an experiment.
public enum Pairs {
    /// The residual partners of each pure network (finding 1 of docs/reports.md#the-findings): Inception-v3 with
    /// Inception-ResNet-v1, Inception-v4 with both layouts of Inception-ResNet-v2.
    public static let residualPartners: [ModelName: [ModelName]] = [
        .inceptionV3: [.inceptionResNetV1],
        .inceptionV4: [.inceptionResNetV2, .inceptionResNetV2Paper],
    ]

    /// Every (pure, residual) pair of `configurations` whose models are partners and whose other settings —
    /// width, stem, input, recipe, everything but the model name, its repeats and residual scales — are equal.
    /// In the order of `configurations` (pure first, then residual).
    public static func pureResidual(_ configurations: [Configuration])
        -> [(pure: Configuration, residual: Configuration)] {
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

    /// The settings in which a scaled configuration may differ from its unscaled partner: the fixed scales,
    /// learned scales (LayerScale, ReZero) and the branch reparametrisation (initialisation and learning-rate
    /// factors of each branch's last convolution).
    static let scalingSettings = ["model.residualScales.", "model.residualScaleMode", "model.residualScaleInit",
                                  "model.residualBranchInitScale", "model.residualBranchLearningRateMultiplier"]

    /// Every (unscaled, scaled) pair of `configurations`: the same residual model and settings but for
    /// `scalingSettings`, the first unscaled (`RunConfiguration.isUnscaledResidual`), the second scaled in any
    /// way (fixed scales below 1, learned scales, or the reparametrised branch). In the order of `configurations`.
    public static func unscaledScaled(_ configurations: [Configuration])
        -> [(unscaled: Configuration, scaled: Configuration)] {
        let ignored = scalingSettings
        return configurations.filter(\.settings.isUnscaledResidual).flatMap { unscaled in
            configurations.compactMap { scaled in
                guard scaled.settings.isResidual, !scaled.settings.isUnscaledResidual,
                      scaled.settings.settings(excluding: ignored) == unscaled.settings.settings(excluding: ignored)
                else { return nil }
                return (unscaled, scaled)
            }
        }
    }

    /// Every (remedy, unscaled, treated) triple of `configurations` for the remedies the paper says did not keep
    /// unscaled networks from dying (findings 3 and 4): `treated` is the unscaled residual configuration
    /// `unscaled` (without warm-up or extra BatchNorm) with only the remedy's settings changed. In the order of
    /// `configurations`, then of `Remedy.allCases`.
    public static func remedies(_ configurations: [Configuration])
        -> [(remedy: Remedy, unscaled: Configuration, treated: Configuration)] {
        let baselines = configurations.filter { c in
            c.settings.isUnscaledResidual && c.settings.warmupSteps == 0 && !c.settings.model.prePoolBatchNorm
        }
        return baselines.flatMap { unscaled in
            configurations.flatMap { treated in
                Remedy.allCases.compactMap { remedy in
                    guard treated.settings.isUnscaledResidual,
                          remedy.applies(to: treated.settings, over: unscaled.settings),
                          treated.settings.settings(excludingKeys: remedy.settings)
                            == unscaled.settings.settings(excludingKeys: remedy.settings)
                    else { return nil }
                    return (remedy, unscaled, treated)
                }
            }
        }
    }
}
