/// What a comparison of two means must show, for Δ = other − reference of a quantity where lower is better
/// (an error). The spelling of each case is the one specs and reports use.
public enum TestKind: String, Sendable, Equatable, CaseIterable, Encodable {
    /// The other is lower: H0 Δ ≥ 0 against H1 Δ < 0 (one-sided). The margin is the smallest advantage worth
    /// detecting: it sets the power and, when the data exclude an advantage that large, refutes the claim.
    case superiority
    /// Equal within ±margin: two one-sided tests (TOST), H0 |Δ| ≥ margin against H1 |Δ| < margin.
    case equivalence
    /// Not worse by the margin or more: H0 Δ ≥ margin against H1 Δ < margin (one-sided).
    case nonInferiority = "non-inferiority"
}

/// What a test says about its claim at level α. A `Sendable` value.
public enum Decision: String, Sendable, Equatable, Encodable {
    /// The test rejects its null hypothesis: the data show the claim.
    case shown
    /// The data show the opposite of the claim at the same level (see `WelchTest.refutationPValue`).
    case refuted
    /// Neither.
    case undecided
}
