import Testing
@testable import Reports

@Suite struct HypothesisTests {
    @Test func specsOverrideTheDefaultsFieldByField() throws {
        #expect(try Hypotheses(spec: "name: x\nbase: {}\n") == Hypotheses.defaults)
        let declared = try Hypotheses(spec: """
            name: x
            hypotheses:
              finding2: {margin: 0.5, lastK: 5}
              finding1: {metric: final-error, test: equivalence, alpha: 0.01, power: 0.9, costWindow: [0.9, 1.1]}
            """)
        let (one, two) = (declared[finding: 1], declared[finding: 2])
        #expect(two.margin == 0.005 && two.lastK == 5 && two.test == .equivalence)
        #expect(one.metric == .finalError && one.test == .equivalence && one.alpha == 0.01)
        #expect(one.power == 0.9 && one.costWindow == 0.9...1.1 && one.margin == 0.02)
        #expect(declared[finding: 5] == Hypotheses.defaults[finding: 5])
    }

    @Test func badDeclarationsNameThePlaceAndTheFix() {
        func problem(_ hypotheses: String) -> String? {
            do { _ = try Hypotheses(spec: "name: x\nhypotheses: \(hypotheses)\n"); return nil } catch {
                return error.description
            }
        }
        let known = "finding1, finding2, finding3, finding4, finding5"
        #expect(problem("{finding6: {margin: 1}}")
                == "hypotheses.finding6: unknown finding; hypotheses can be declared as \(known)")
        #expect(problem("{2: {margin: 1}}") == "hypotheses.2: unknown finding; hypotheses can be declared as \(known)")
        #expect(problem("{finding3: {costWindow: [0.8, 1.25]}}")?.contains("applies to findings 1 and 2 only") == true)
        #expect(problem("{finding3: {metric: late-error}}")
                == "hypotheses.finding3.metric: expected one of early-error, final-error, final-dead-fraction")
        #expect(problem("{finding2: {margn: 1}}")?
                    .hasPrefix("hypotheses.finding2.margn: unknown field; a hypothesis has metric, test") == true)
        #expect(problem("{finding2: {test: equal}}")
                == "hypotheses.finding2.test: expected one of superiority, equivalence, non-inferiority")
        #expect(problem("{finding2: {margin: -1}}")?
                    .hasPrefix("hypotheses.finding2.margin: expected a margin in percentage points") == true)
        #expect(problem("{finding2: {lastK: 0}}")?
                    .hasPrefix("hypotheses.finding2.lastK: expected a whole number") == true)
        #expect(problem("{finding5: {costWindow: [0.8, 1.25]}}")?.contains("applies to findings 1 and 2 only") == true)
        #expect(problem("{finding1: {costWindow: [1.25, 0.8]}}")?.contains("expected [low, high]") == true)
        #expect(problem("[1, 2]")?.hasPrefix("hypotheses: expected a mapping of finding1") == true)
    }
}
