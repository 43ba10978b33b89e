/// Which look at an experiment's results a report takes, and so the level its tests decide at.
///
/// A report can be read many times while an experiment runs (every session's partial report is a look), and
/// seeds can be added after reading one (the report asks for them). Deciding at the declared α at every look
/// would make a chance result a verdict more often than α says: testing until a test passes. So:
///
/// - The runs queued before any of the experiment's runs ended are its **design**. Once they have all ended
///   (finished or diverged), the design's analysis is its final look and decides at the hypothesis's α.
/// - Every other look decides only at `strictAlpha`, the Haybittle–Peto boundary: an interim look (runs of the
///   design still queued, running, killed or failed), and any analysis that includes runs queued after a result
///   (seeds added once results could be seen). Interim looks then spend almost none of α, and added seeds can
///   still decide, but only on strong evidence: a comparison is decided on the design's runs when they decide,
///   else on all runs at the strict level, and the chance of a false verdict stays within α plus `strictAlpha`
///   for every other look taken.
///
/// A `Sendable` value.
public struct Look: Sendable, Equatable, Encodable {
    /// The experiment's runs in the database.
    public var runs: Int
    /// Of those, the runs that ended on their own (finished or diverged): the ones a report includes.
    public var ended: Int
    /// Runs queued (`created_at`) after one of the experiment's runs had ended: seeds added once results could
    /// be seen (`RunRecord.addedAfterResults`).
    public var added: Int
    /// Of those, the runs that ended.
    public var addedEnded: Int

    /// The level of every look but the design's final one (Haybittle–Peto).
    public static let strictAlpha = 0.001

    /// How the report states the rule.
    public static let rule = """
        Looks: a report may be read while its experiment runs, and seeds may be added after reading one. The runs \
        queued before any of the experiment's runs ended are its design; once they have all ended (finished or \
        diverged), the analysis of the design's runs decides at the hypotheses' α. Every other look decides only \
        at p < \(NumberFormat.pValue(strictAlpha)) (the Haybittle–Peto boundary): an interim one, with runs of the \
        design still queued, running, killed or failed, and any analysis that includes runs queued after a result \
        — a comparison is decided on the design's runs when they decide, else on all runs at that level. The \
        count rules of findings 3 and 4 follow the same levels. Reading every interim report then spends almost \
        none of α, and seeds added until a test passes do not turn a chance result into a verdict.
        """

    /// A look at `runs` runs, `ended` of them ended; `added` of them queued after a result, `addedEnded` of those
    /// ended.
    public init(runs: Int, ended: Int, added: Int, addedEnded: Int) {
        self.runs = runs
        self.ended = ended
        self.added = added
        self.addedEnded = addedEnded
    }

    /// Counts one more run: whether it `ended`, whether it was `added` after a result.
    mutating func count(ended: Bool, added: Bool) {
        runs += 1
        self.ended += ended ? 1 : 0
        self.added += added ? 1 : 0
        addedEnded += ended && added ? 1 : 0
    }

    /// This look once every run has ended (the design's final look, and the added runs' decisions at the strict
    /// level): what `plan` sizes an experiment for.
    public var onceEnded: Look { Look(runs: runs, ended: runs, added: added, addedEnded: added) }

    /// Whether every run of the design (queued before any result) has ended.
    public var designComplete: Bool { ended - addedEnded == runs - added }

    /// Whether this is the final look at all the runs: the design complete and nothing added.
    public var isFinal: Bool { designComplete && added == 0 }

    /// The level at which an analysis of the design's runs decides, for a hypothesis declared at `alpha`.
    public func designLevel(_ alpha: Double) -> Double { designComplete ? alpha : min(alpha, Self.strictAlpha) }

    /// The level at which an analysis that includes the added runs decides, for a hypothesis declared at `alpha`.
    public func extendedLevel(_ alpha: Double) -> Double { min(alpha, Self.strictAlpha) }

    /// What `plan`, `run` and `submit` say of `added` runs new to an experiment `ended` of whose runs have ended.
    public static func addedNote(added: Int, ended: Int) -> String {
        "\(added) run\(added == 1 ? "" : "s") new to the experiment after \(ended) of its runs ended: not part of its "
            + "design, so comparisons that need them decide only at p < \(NumberFormat.pValue(strictAlpha)) "
            + "(docs/reports.md, \"Looks\"); a new experiment name would give them a design of their own"
    }

    /// The look in a few words, for a table: `final`, `interim: 2 of 32 ended`, `2 added after a result`.
    public var brief: String {
        guard !isFinal else { return "final" }
        return [designComplete ? nil : "interim: \(ended - addedEnded) of \(runs - added) ended",
                added > 0 ? "\(added) added after a result" : nil].compactMap { $0 }.joined(separator: "; ")
    }

    /// The look as the report states it.
    public var text: String {
        if isFinal {
            return "final: all \(runs) runs of the experiment ended and none was queued after one had ended, so "
                + "each comparison decides at its hypothesis's α"
        }
        var parts: [String] = []
        if !designComplete {
            parts.append("interim: \(ended - addedEnded) of the \(runs - added) runs of the design have ended, so "
                         + "its comparisons decide only at p < \(NumberFormat.pValue(Self.strictAlpha)) "
                         + "(Haybittle–Peto) until all have, then at their hypotheses' α")
        }
        if added > 0 {
            parts.append("\(added) run\(added == 1 ? " was" : "s were") queued after one of the experiment's runs "
                         + "had ended (seeds added once results could be seen): each comparison is decided on the "
                         + "design's runs when they decide, else on all runs at p < "
                         + "\(NumberFormat.pValue(Self.strictAlpha)) (Haybittle–Peto)")
        }
        return parts.joined(separator: "; ")
    }
}
