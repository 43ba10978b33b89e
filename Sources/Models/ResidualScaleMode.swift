/// How each residual block scales its branch before the addition, beyond the fixed per-stage scale `s` of
/// `ModelConfig.residualScales`: not at all, or by a learned scale (the ideas that followed the paper).
public enum ResidualScaleMode: String, CaseIterable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// `x + s · L(F(x))`: the fixed scale only, as in the paper.
    case fixed
    /// `x + s · γ ⊙ L(F(x))` with `γ` a learned scale per channel (LayerScale, Touvron et al. 2021, "Going deeper
    /// with image transformers"), initialised to `residualScaleInit`.
    case layerscale
    /// `x + s · α · L(F(x))` with `α` one learned scalar per block (ReZero, Bachlechner et al. 2020; SkipInit,
    /// De & Smith 2020), initialised to `residualScaleInit`, 0 unless given.
    case rezero

    /// The initial value of the learned scales when `residualScaleInit` is not given: 0 for ReZero (its
    /// definition), none for LayerScale (the value depends on the depth, so a configuration must give it) and for
    /// fixed scales (nothing is learned).
    public var defaultInitialValue: Double? {
        switch self {
        case .fixed, .layerscale: nil
        case .rezero: 0
        }
    }

    /// Whether the blocks learn a scale.
    public var isLearned: Bool { self != .fixed }

    public var description: String { rawValue }
}
