import Yams

/// The hypotheses of findings 1–5, exactly one per finding: a spec's declared fields over `Hypotheses.defaults`.
/// A `Sendable` value.
public struct Hypotheses: Sendable, Equatable {
    /// In finding order: finding n's hypothesis is `all[n − 1]`.
    public private(set) var all: [Hypothesis]

    /// The hypothesis of finding `number` (1–5; any other number is a programming error and traps).
    public subscript(finding number: Int) -> Hypothesis { all[number - 1] }

    /// The findings' numbers, 1–5.
    public static let findings = 1...5

    private init(_ all: [Hypothesis]) {
        precondition(all.map(\.finding) == Array(Self.findings), "one hypothesis per finding, in order")
        self.all = all
    }

    /// The defaults — the one table docs/reports.md reproduces. Finding 1: the residual network's early error is
    /// lower (superiority, powered for a 2-point advantage); finding 2: final errors equal within ±1 point (TOST);
    /// finding 5: each scaled configuration's final error not worse than unscaled by 1 point or more
    /// (non-inferiority). Findings 3 and 4, each remedy the paper says failed (extra BatchNorm, a lower learning
    /// rate; warm-up): the remedy lowers the final dead share of the pre-pool channels by less than 10 points,
    /// Δ = unscaled − with the remedy (non-inferiority of the unscaled network without the remedy; a remedy that
    /// lowers it by more is shown to prevent the partial death, which refutes the paper's claim). 10 points is
    /// about a fifth of what scaling by 0.1 removed at 600 steps (49 % → 0.4 %, residual-scaling). Final error and
    /// dead share are means of the last 3 evaluations or probes; α = 0.05; 80 % power; pairs vote in findings 1
    /// and 2 when their multiply-adds ratio is within `VerdictRules.comparableCost`.
    public static let defaults = Hypotheses([
        Hypothesis(finding: 1, metric: .earlyError, test: .superiority, margin: 0.02, lastK: 3, alpha: 0.05,
                   power: 0.8, costWindow: VerdictRules.comparableCost),
        Hypothesis(finding: 2, metric: .finalError, test: .equivalence, margin: 0.01, lastK: 3, alpha: 0.05,
                   power: 0.8, costWindow: VerdictRules.comparableCost),
        Hypothesis(finding: 3, metric: .finalDeadFraction, test: .nonInferiority, margin: 0.1, lastK: 3,
                   alpha: 0.05, power: 0.8, costWindow: nil),
        Hypothesis(finding: 4, metric: .finalDeadFraction, test: .nonInferiority, margin: 0.1, lastK: 3,
                   alpha: 0.05, power: 0.8, costWindow: nil),
        Hypothesis(finding: 5, metric: .finalError, test: .nonInferiority, margin: 0.01, lastK: 3, alpha: 0.05,
                   power: 0.8, costWindow: nil),
    ])

    /// The hypotheses of a spec: the defaults, with the fields its `hypotheses:` mapping declares (keyed
    /// `finding1` … `finding5`) replacing theirs. An empty or hypothesis-free spec gives the defaults.
    public init(spec yaml: String) throws(HypothesisError) {
        let top: Any?
        do { top = try Yams.load(yaml: yaml) } catch {
            throw HypothesisError(location: "YAML", problem: "\(error)")
        }
        self = .defaults
        guard let section = (top as? [String: Any])?["hypotheses"] else { return }
        let keys = Self.findings.map { "finding\($0)" }.joined(separator: ", ")
        guard let entries = section as? [String: Any] else {
            throw HypothesisError(location: "hypotheses", problem: "expected a mapping of \(keys) to hypotheses")
        }
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            let location = "hypotheses.\(key)"
            guard key.hasPrefix("finding"), let finding = Int(key.dropFirst("finding".count)),
                  Self.findings.contains(finding) else {
                throw HypothesisError(location: location,
                                      problem: "unknown finding; hypotheses can be declared as \(keys)")
            }
            guard let fields = value as? [String: Any] else {
                throw HypothesisError(location: location, problem: "expected a mapping with fields "
                                      + Hypothesis.CodingKeys.allCases.dropFirst().map(\.rawValue)
                                        .joined(separator: ", "))
            }
            all[finding - 1] = try self[finding: finding].replacing(fields, at: location)
        }
    }

    /// The findings whose hypothesis here differs from the one in `stored`, in order: a spec may change anything
    /// but these once its experiment's runs have started.
    public func changed(from stored: Hypotheses) -> [Int] {
        Self.findings.filter { self[finding: $0] != stored[finding: $0] }
    }
}
