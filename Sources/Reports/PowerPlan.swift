import Statistics

/// What `inception-lab plan` says about power: for each hypothesis of a spec, the comparisons its configurations
/// make under it (those its report will make: `Findings`), and for each the seeds per configuration its test
/// needs to reach the declared power — from the pooled standard deviation of the experiment's finished runs when
/// they give one, else for a range of standard deviations. A hypothesis under which no two configurations compare
/// is said to be untested.
public enum PowerPlan {
    /// The standard deviations (fractions) shown when no finished runs give one.
    public static let assumedStds = [0.005, 0.01, 0.02, 0.04]

    /// One line per hypothesis, then one per comparison that the distinct configurations `planned` (a spec's
    /// runs, seeds removed) make under it and, for findings 3 and 4, one per count of the runs that died, over
    /// the finished runs of `data` (nil: none) with those configurations, decided as at the look once every
    /// run has ended (`Look.onceEnded`): what the experiment's final look would say with these runs.
    public static func lines(hypotheses: Hypotheses, planned: [RunConfiguration], data: ExperimentData?) throws
        -> [String] {
        let finished = data?.runs ?? []
        let configurations = zip(Configuration.labels(for: planned), planned).map { label, settings in
            Configuration(label: label, settings: settings,
                          runs: finished.filter { $0.configuration.config == settings.config })
        }
        let costs = try Dictionary(uniqueKeysWithValues: configurations.map {
            ($0.label, try Cost($0, timing: Timing(runs: [])))
        })
        let inputs = Findings.Inputs(configurations: configurations, costs: costs, hypotheses: hypotheses,
                                     look: (data?.look ?? Look(runs: 0, ended: 0, added: 0, addedEnded: 0)).onceEnded)
        let findings = Findings.evaluate(inputs)
        let deadShare = Findings.scalingDeadShare(inputs)
        return hypotheses.all.flatMap { h -> [String] in
            let finding = findings.first { $0.number == h.finding }
            let comparisons = (finding?.comparisons ?? []) + (h.finding == 3 ? deadShare : [])
            guard !comparisons.isEmpty else {
                return ["finding \(h.finding): untested (no two configurations of the spec compare under it)"]
            }
            // Findings 3 and 4 also count the runs that died (their judgements after the comparisons').
            let counts = finding.map { $0.judgements.dropFirst($0.comparisons.count) } ?? []
            return ["finding \(h.finding): \(h.text)"] + comparisons.map { line($0, hypothesis: h) }
                + counts.map { "  count, \($0.subject): \($0.evidence)" }
        }
    }

    /// A comparison's line: the seeds per configuration its test needs at the standard deviation of its finished
    /// runs, or at `assumedStds` when they give none.
    private static func line(_ c: Comparison, hypothesis: Hypothesis) -> String {
        let n = "\(c.referenceValues?.n ?? 0)+\(c.otherValues?.n ?? 0) finished runs"
        let head = "  \(c.reference) vs \(c.other)\(c.votes ? "" : " (not cost-matched: does not vote)"): "
        guard let std = c.pooledStd else {
            let needs = assumedStds.map { std in
                VerdictRules.seedsNeeded(hypothesis, std: std).map(String.init) ?? "> \(Power.largestGroup)"
            }
            let finished = c.referenceValues == nil && c.otherValues == nil
                ? "no finished runs yet" : "\(n), too few for a standard deviation"
            return head + finished + "; seeds per configuration at a standard deviation of "
                + assumedStds.map { NumberFormat.fixed($0 * 100, 1) }.joined(separator: " / ") + " pt: "
                + needs.joined(separator: " / ")
        }
        let seeds = c.seedsNeeded.map { "\($0) seeds per configuration" }
            ?? "more than \(Power.largestGroup) seeds per configuration"
        return head + "σ \(NumberFormat.fixed(std * 100, 2)) pt from \(n) → \(seeds) "
            + "(has \(min(c.referenceValues!.n, c.otherValues!.n)))"
    }
}
