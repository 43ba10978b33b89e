import Foundation
import ResultsStore
import Testing
@testable import Reports

/// Which look a report takes (`Look`): the design's final look decides at α, every other only at 0.001.
@Suite("Looks at an experiment's results")
struct LookTests {
    /// Unscaled runs with a dead share of 45–55 %, scaled by 0.1 with 0–2 %: on three seeds a side the dead-share
    /// comparison refutes "scaling lowers it by less than 10 points" at p ≈ 0.003 — at α = 0.05, not at 0.001.
    func runs(seeds: Range<Int>) -> [FixtureRun] {
        let unscaled = [0.50, 0.45, 0.55], scaled = [0.01, 0.02, 0.0]
        return seeds.flatMap { seed in
            [FixtureRun(model: "inception-resnet-v2-paper", scale: 1, seed: seed, deadFraction: unscaled[seed % 3],
                        validation: decay(final: 0.2, tau: 60)),
             FixtureRun(model: "inception-resnet-v2-paper", scale: 0.1, seed: seed, deadFraction: scaled[seed % 3],
                        validation: decay(final: 0.2, tau: 60))]
        }
    }

    /// The dead-share comparison and the look of the experiment in the database at `path`.
    func deadShare(_ path: String) throws -> (Comparison, Look) {
        let analysed = try report(path, experiment: "looks")
        return (try #require(analysed.scalingDeadShare.first), analysed.overview.look)
    }

    @Test func theDesignsFinalLookDecidesAtAlphaAnInterimOneOnlyAtTheStrictLevel() throws {
        try withDatabase(experiment: "looks", runs: runs(seeds: 0..<3)) { path in
            let (final, look) = try deadShare(path)
            #expect(look == Look(runs: 6, ended: 6, added: 0, addedEnded: 0) && look.isFinal)
            #expect(final.level == 0.05 && final.scope == nil && final.verdict == .notReproduced)
            #expect(final.refutationPValue! > 0.001 && final.refutationPValue! < 0.01)

            // One more seed of the design queued but not run: the same six runs are an interim look.
            let store = try ResultsStore(path: path)
            let experiment = try store.experiment(named: "looks", description: "")
            let queued = runs(seeds: 3..<4)[0]
            _ = try store.insertRun(NewRun(name: "queued", configJSON: queued.configJSON, seed: 3,
                                           experimentID: experiment, queuedAt: 0))
            let (interim, look2) = try deadShare(path)
            #expect(look2 == Look(runs: 7, ended: 6, added: 0, addedEnded: 0) && !look2.designComplete)
            #expect(interim.level == Look.strictAlpha && interim.decision == .undecided
                    && interim.verdict == .inconclusive)
            #expect(interim.evidence.contains("this look decides at p < 0.001"))
            #expect(try report(path, experiment: "looks").markdown().contains("Look: interim: 6 of the 7 runs"))
        }
    }

    @Test func seedsAddedAfterAResultDecideOnlyAtTheStrictLevel() throws {
        // Two seeds a side, then four more each once they had ended: the design's two are too few for a verdict,
        // so all six decide, at 0.001.
        let design = runs(seeds: 0..<2), added = runs(seeds: 2..<6)
        try withDatabase(experiment: "looks", runs: design) { path in
            Thread.sleep(forTimeInterval: 0.01)   // created_at after the design's first finished_at
            try fill(path, experiment: "looks", runs: added)
            let (c, look) = try deadShare(path)
            #expect(look == Look(runs: 12, ended: 12, added: 8, addedEnded: 8) && look.designComplete && !look.isFinal)
            #expect(c.scope == .all && c.level == Look.strictAlpha && c.referenceValues?.n == 6)
            #expect(c.refutationPValue! < 0.001 && c.verdict == .notReproduced)
            #expect(c.evidence.hasPrefix("on all runs, those added after a result included: "))
        }
        // Three seeds a side in the design decide on their own at α; the added seeds do not enter.
        try withDatabase(experiment: "looks", runs: runs(seeds: 0..<3)) { path in
            Thread.sleep(forTimeInterval: 0.01)
            try fill(path, experiment: "looks", runs: runs(seeds: 3..<4))
            let (c, look) = try deadShare(path)
            #expect(look.added == 2 && c.scope == .design && c.level == 0.05 && c.referenceValues?.n == 3)
            #expect(c.verdict == .notReproduced)
        }
    }

    /// Finding 3's count at the strict level: 0 of 5 unscaled runs unstable shows the share below 50 % at 95 %
    /// (upper bound 45 %), not at 99.9 % (75 %).
    @Test func theCountRulesFollowTheLook() {
        let count = { (alpha: Double) in
            VerdictRules.instability(subject: "", unscaled: RunCount(runs: 5, unstable: 0),
                                     scaled: RunCount(runs: 5, unstable: 0), alpha: alpha)
        }
        #expect(count(0.05).verdict == .notReproduced)
        let strict = count(Look.strictAlpha)
        #expect(strict.verdict == .inconclusive && strict.evidence.contains("(99.9 % upper bound)"))
        #expect(strict.evidence.contains("this look decides at p < 0.001"))
    }
}
