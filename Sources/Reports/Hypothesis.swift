import Statistics

/// The quantity per run that a hypothesis compares across seeds. The spelling is the one specs use.
public enum PrimaryMetric: String, Sendable, Equatable, CaseIterable, Encodable {
    /// The run's mean validation top-1 error over the first third of training (`VerdictRules.earlyFraction` of
    /// the shorter configuration's epochs): the trapezoid area under its curve divided by the epochs spanned,
    /// or the first evaluation's error when only one lies there (fraction; lower is faster).
    case earlyError = "early-error"
    /// The mean of the run's last `lastK` validation top-1 errors (all of them when it has fewer; fraction).
    case finalError = "final-error"
    /// The mean of the run's last `lastK` probes of `Metric.prepoolDeadFraction`: the share of the last pre-pool
    /// layer's channels that output only zeros at the end of training (fraction; all probes when it has fewer).
    case finalDeadFraction = "final-dead-fraction"
}

/// A finding's claim as a statistical test, declared in the experiment's spec before its runs (`hypotheses:`,
/// format in Experiments/README.md) or taken from `Hypotheses.defaults`. A `Sendable` value.
public struct Hypothesis: Sendable, Equatable, Encodable {
    /// The finding's number in docs/reports.md#the-findings (1–5; a spec's key `finding1`, …).
    public var finding: Int
    /// What is compared per run.
    public var metric: PrimaryMetric
    /// What the comparison must show (Δ = residual − pure for findings 1 and 2, unscaled − with the remedy for 3
    /// and 4, scaled − unscaled for 5).
    public var test: TestKind
    /// The margin in Δ's unit (fraction; specs write percentage points): the equivalence and non-inferiority
    /// margin, or the smallest advantage a superiority test is powered for. Fixed: it never grows with the noise.
    public var margin: Double
    /// Evaluations averaged for `final-error`.
    public var lastK: Int
    /// The test's level.
    public var alpha: Double
    /// The power the seeds per configuration must reach (the report says how many seeds that takes).
    public var power: Double
    /// Residual ÷ pure multiply-adds within which a pair is cost-matched and votes (findings 1 and 2; `nil` for
    /// 3, 4 and 5, which compare one model with itself).
    public var costWindow: ClosedRange<Double>?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case finding, metric, test, margin, lastK, alpha, power, costWindow
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(finding, forKey: .finding)
        try c.encode(metric, forKey: .metric)
        try c.encode(test, forKey: .test)
        try c.encode(margin, forKey: .margin)
        try c.encode(lastK, forKey: .lastK)
        try c.encode(alpha, forKey: .alpha)
        try c.encode(power, forKey: .power)
        try c.encodeIfPresent(costWindow.map { [$0.lowerBound, $0.upperBound] }, forKey: .costWindow)
    }

    /// This hypothesis with `fields` (as YAML loaded them) replacing its own.
    func replacing(_ fields: [String: Any], at location: String) throws(HypothesisError) -> Hypothesis {
        var h = self
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            let at = "\(location).\(name)"
            func number(_ range: ClosedRange<Double>, _ what: String) throws(HypothesisError) -> Double {
                guard let x = (value as? Double) ?? (value as? Int).map(Double.init), range.contains(x) else {
                    throw HypothesisError(location: at, problem: "expected \(what)")
                }
                return x
            }
            func choice<T: RawRepresentable & CaseIterable>(_: T.Type) throws(HypothesisError) -> T
            where T.RawValue == String {
                guard let text = value as? String, let x = T(rawValue: text) else {
                    throw HypothesisError(location: at, problem: "expected one of "
                                          + T.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return x
            }
            switch CodingKeys(rawValue: name) {
            case .metric?: h.metric = try choice(PrimaryMetric.self)
            case .test?: h.test = try choice(TestKind.self)
            case .margin?:
                h.margin = try number(0.001...100, "a margin in percentage points (above 0, at most 100)") / 100
            case .lastK?:
                guard let k = value as? Int, k >= 1 else {
                    throw HypothesisError(location: at, problem: "expected a whole number of evaluations, at least 1")
                }
                h.lastK = k
            case .alpha?: h.alpha = try number(0.0001...0.5, "a level between 0.0001 and 0.5")
            case .power?: h.power = try number(0.5...0.999, "a power between 0.5 and 0.999")
            case .costWindow?:
                guard costWindow != nil else {
                    throw HypothesisError(location: at, problem: "finding \(finding) compares one model with itself; "
                                          + "a multiply-adds window applies to findings 1 and 2 only")
                }
                guard let pair = value as? [Any], pair.count == 2,
                      let low = (pair[0] as? Double) ?? (pair[0] as? Int).map(Double.init),
                      let high = (pair[1] as? Double) ?? (pair[1] as? Int).map(Double.init), low > 0, low <= high else {
                    throw HypothesisError(location: at, problem: "expected [low, high], residual ÷ pure multiply-adds "
                                          + "with 0 < low ≤ high, such as [0.8, 1.25]")
                }
                h.costWindow = low...high
            case .finding?, nil:
                throw HypothesisError(location: at, problem: "unknown field; a hypothesis has "
                                      + CodingKeys.allCases.dropFirst().map(\.rawValue).joined(separator: ", "))
            }
        }
        return h
    }

    /// The hypothesis as one line for the report: `equivalence of final-error (mean of the last 3 evaluations),
    /// margin ±1.00 pt, α = 0.05, 80 % power, pairs with multiply-adds ratio 0.8–1.25`.
    public var text: String {
        let what = switch metric {
        case .finalError: "final error (mean of the last \(lastK) evaluations)"
        case .earlyError: "early error (mean validation error over the first third of training)"
        case .finalDeadFraction: "final dead share of the pre-pool channels (mean of the last \(lastK) probes)"
        }
        let marginText = test == .equivalence ? "±" + NumberFormat.fixed(margin * 100, 2) + " pt"
            : NumberFormat.fixed(margin * 100, 2) + " pt"
        let window = costWindow.map { "; pairs vote when residual ÷ pure multiply-adds is within "
            + "\(NumberFormat.fixed($0.lowerBound, 2))–\(NumberFormat.fixed($0.upperBound, 2))" } ?? ""
        return "\(test.rawValue) test (Welch) of \(what), margin \(marginText), α = \(NumberFormat.fixed(alpha, 2)), "
            + "\(NumberFormat.fixed(power * 100, 0)) % power" + window
    }
}

/// Why a spec's `hypotheses:` section is refused: where (`hypotheses.2.margin`) and what was expected.
/// A `Sendable` value.
public struct HypothesisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dotted location in the spec.
    public var location: String
    /// What is wrong.
    public var problem: String

    public var description: String { "\(location): \(problem)" }
}
