import Statistics

/// What `inception-lab plan` says about power: for each hypothesis of a spec, the seeds per configuration its
/// test needs to reach the declared power — from the pooled standard deviation of the experiment's finished runs
/// when the database has any, else for a range of standard deviations.
public enum PowerPlan {
    /// The standard deviations (fractions) shown when no finished runs give one.
    public static let assumedStds = [0.005, 0.01, 0.02, 0.04]

    /// One line per hypothesis, then one per comparison of the finished runs in `data` (if any) that tests it.
    public static func lines(hypotheses: Hypotheses, data: ExperimentData?) throws -> [String] {
        var data = data
        data?.hypotheses = hypotheses
        let findings = try data.flatMap { $0.runs.isEmpty ? nil : try ExperimentReport($0).findings } ?? []
        return hypotheses.all.flatMap { h -> [String] in
            let number = h.finding
            let head = "finding \(number): \(h.text)"
            guard let finding = findings.first(where: { $0.number == number }) else {
                let needs = assumedStds.map { std in
                    VerdictRules.seedsNeeded(h, std: std)
                        .map(String.init) ?? "> \(Power.largestGroup)"
                }
                return [head, "  no finished runs of the experiment test it; seeds per configuration at a standard "
                        + "deviation of "
                        + assumedStds.map { NumberFormat.fixed($0 * 100, 1) }.joined(separator: " / ") + " pt: "
                        + needs.joined(separator: " / ")]
            }
            return [head] + finding.comparisons.map { c in
                let n = "\(c.referenceValues?.n ?? 0)+\(c.otherValues?.n ?? 0)"
                let vote = c.votes ? "" : " (not cost-matched: does not vote)"
                guard let std = c.pooledStd else {
                    return "  \(c.reference) vs \(c.other)\(vote): \(n) finished runs, too few for a standard deviation"
                }
                let seeds = c.seedsNeeded.map { "\($0) seeds per configuration" }
                    ?? "more than \(Power.largestGroup) seeds per configuration"
                return "  \(c.reference) vs \(c.other)\(vote): σ \(NumberFormat.fixed(std * 100, 2)) pt from \(n) "
                    + "finished runs → \(seeds) (has \(min(c.referenceValues!.n, c.otherValues!.n)))"
            }
        }
    }
}
