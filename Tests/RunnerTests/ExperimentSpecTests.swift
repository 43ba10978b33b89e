import Foundation
import Runner
import Reports
import Testing
import Training

@Suite("Experiment specs")
struct ExperimentSpecTests {
    @Test func expandsTheGridAndExtraRunsWithReadableNames() throws {
        let plan = try Fixture.plan(Fixture.spec(
            grid: "  seed: [1, 2]\n  model.residualScales: [[1, 1, 1], [0.1, 0.1, 0.1]]",
            extra: "runs:\n  - {warmupSteps: 2, warmupLearningRate: 0.001, model: {residualScales: [1, 1, 1]}}"))
        #expect(plan.runs.map(\.name) == [
            "inception-resnet-v2-paper-w0.0625-s1-residualScales=1,1,1",
            "inception-resnet-v2-paper-w0.0625-s2-residualScales=1,1,1",
            "inception-resnet-v2-paper-w0.0625-s1-residualScales=0.1,0.1,0.1",
            "inception-resnet-v2-paper-w0.0625-s2-residualScales=0.1,0.1,0.1",
            "inception-resnet-v2-paper-w0.0625-s1-residualScales=1,1,1-warmupLearningRate=0.001-warmupSteps=2",
            "inception-resnet-v2-paper-w0.0625-s2-residualScales=1,1,1-warmupLearningRate=0.001-warmupSteps=2",
        ])
        let first = plan.runs[0].config
        #expect(first.model.inputSize == 16 && first.model.inputChannels == 1 && first.model.classes == 4)
        #expect(first.model.stem == .compact && first.data.pad == 0)
        #expect(first.budget == .steps(8) && plan.runs.allSatisfy { $0.totalSteps == 8 })
        #expect(plan.runs[4].config.warmupSteps == 2 && plan.runs[4].config.model.residualScales?.a == 1)
    }

    @Test func expansionAndRunKeysDoNotDependOnKeyOrder() throws {
        let a = try Fixture.plan("""
            name: order
            base: {learningRate: 0.01, model: {width: 0.0625, model: inception-resnet-v2-paper, repeats: [1, 1, 1]},
                   data: {validationCount: 64, name: synthetic}, budget: {steps: 8}, batchSize: 16}
            grid: {seed: [1, 2], model.width: [0.0625, 0.125]}
            """)
        let b = try Fixture.plan("""
            grid: {model.width: [0.0625, 0.125], seed: [1, 2]}
            base: {batchSize: 16, budget: {steps: 8}, data: {name: synthetic, validationCount: 64},
                   model: {repeats: {c: 1, b: 1, a: 1}, model: inception-resnet-v2-paper, width: 0.0625}, learningRate: 0.01}
            name: order
            """)
        #expect(a.runs.count == 4)
        #expect(a.runs.map(\.runKey) == b.runs.map(\.runKey))
        #expect(a.runs.map(\.name) == b.runs.map(\.name))
        #expect(a.runs.map(\.config.canonicalJSON) == b.runs.map(\.config.canonicalJSON))
    }

    @Test func hypothesesAreDeclaredInTheSpec() throws {
        let spec = try ExperimentSpec(yaml: "name: x\nbase: {model: {model: inception-v3}}\n"
                                          + "hypotheses: {finding2: {margin: 0.5}}",
                                      file: "x.yaml")
        #expect(spec.hypotheses[finding: 2].margin == 0.005)
        #expect(spec.hypotheses[finding: 1] == Hypotheses.defaults[finding: 1])
    }

    @Test func duplicateRunsAreKeptOnce() throws {
        let plan = try Fixture.plan(Fixture.spec(extra: "runs:\n  - {seed: 1}"))
        #expect(plan.runs.count == 2)
    }

    /// Each malformed spec is refused with the file, the place and what was expected.
    @Test(arguments: [
        ("name: x\nbase: {lerningRate: 0.1, model: {model: inception-v3}}", "base.lerningRate", "unknown field"),
        ("name: x\nbase: {model: {model: inception-v5}}", "base.model.model", "expected one of inception-v3"),
        ("name: x\nbase: {model: {model: inception-v3, stem: tiny}}", "base.model.stem",
         "expected one of paper, compact"),
        ("name: x\nbase: {model: inception-v3}", "base.model", "expected a mapping with fields"),
        ("name: x\nbase: {model: {model: inception-v3}, budget: {epochs: 1, steps: 3}}", "base.budget",
         "exactly one of epochs or steps"),
        ("name: x\nbase: {model: {model: inception-v3}}\ngrid: {seed: []}", "grid.seed", "non-empty list"),
        ("name: x\nbase: {model: {model: inception-v3}}\ngrid: {}", "grid", "leave grid out"),
        ("name: x\nbase: {model: {model: inception-v3}}\ngrid: {model.depth: [1]}", "grid.model.depth",
         "unknown field path"),
        ("name: x\nbase: {model: {model: inception-v3}}\ngrid: {seed: 3}", "grid.seed", "non-empty list"),
        ("name: x\nbase: {model: {model: inception-v3}}\nruns: [{model: {widht: 1}}]", "runs[0].model.widht",
         "unknown field"),
        ("name: x\nbase: {model: {model: inception-v3}}\nsweep: {}", "sweep", "unknown field"),
        ("base: {model: {model: inception-v3}}", "name", "expected the experiment's name"),
        ("name: x\nbase: [1, 2", "YAML", "parser"),
        ("name: x\nbase: {model: {model: inception-v3}, batchSize: 0.5}", "base.batchSize", "expected a whole number"),
        ("name: x\nbase: {model: {model: inception-v3}, budget: {steps: 1.5}}", "base.budget.steps",
         "expected a whole number"),
        ("name: x\nbase: {model: {model: inception-v3}, seed: -1}", "base.seed",
         "expected a whole number of 0 or more; found the number -1"),
        ("name: x\nbase: {model: {model: inception-v3}}\ngrid: {seed: [1, -2]}", "grid.seed[1]",
         "expected a whole number of 0 or more"),
        ("name: x\nbase: {model: {model: inception-v3}, learningRate: .nan}", "base.learningRate",
         "expected a finite number; found .nan"),
        ("name: x\nbase: {model: {model: inception-v3}, weightDecay: -.inf}", "base.weightDecay",
         "expected a finite number; found -.inf"),
        ("name: x\nbase:\n  learningRate: 0.1\n  model: {model: inception-v3}\n  learningRate: 0.2",
         "base.learningRate", "given twice (line 5); give each field once"),
        ("name: x\nname: y\nbase: {model: {model: inception-v3}}", "name", "given twice (line 2)"),
        ("name: x\nbase: {model: {model: inception-v3, width: 1, width: 2}}", "base.model.width", "given twice"),
        ("name: x\nbase: {model: {model: inception-v3}}\nhypotheses: {finding2: {test: same}}",
         "hypotheses.finding2.test", "expected one of superiority, equivalence, non-inferiority"),
    ])
    func refusesMalformedStructure(yaml: String, location: String, problem: String) {
        #expect {
            _ = try ExperimentSpec(yaml: yaml, file: "bad.yaml")
        } throws: { error in
            guard let error = error as? SpecError else { return false }
            return error.file == "bad.yaml" && error.location == location && error.problem.contains(problem)
                && "\(error)".hasPrefix("bad.yaml: \(location): ")
        }
    }

    /// Values that only the expanded runs can check are refused with the run's grid point.
    @Test(arguments: [
        ("learningRate: fast", "  seed: [1]", "grid point seed=1", "learningRate: expected a number"),
        ("learningRate: -1", "  seed: [1]", "grid point seed=1", "invalid setting lr"),
        ("seed: 1", "  model.model: [inception-resnet-v1, inception-v4]", "grid point model.model=inception-v4",
         "inception-v4 has no residual blocks"),
        ("deadPatience: 0", "  seed: [1]", "grid point seed=1", "invalid setting dead-patience"),
        ("momentum: [0.9]", "  seed: [1]", "grid point seed=1", "momentum: expected a number"),
    ])
    func refusesMalformedRuns(override: String, grid: String, location: String, problem: String) {
        let yaml = Fixture.spec(grid: grid).replacingOccurrences(of: "  learningRate: 0.01", with: "  " + override)
        #expect {
            _ = try Fixture.plan(yaml)
        } throws: { error in
            guard let error = error as? SpecError else { return false }
            return error.location == location && error.problem.contains(problem)
        }
    }

    /// Splits the dataset cannot give are refused while planning, before any run is created, naming the sizes.
    @Test(arguments: [
        ("batchSize: 16", "batchSize: 100000", "invalid setting batch: expected at most 336 images, the training split "
         + "(400 training images less 64 held out for validation); found 100000"),
        ("batchSize: 16", "batchSize: 337", "expected at most 336 images"),
        ("validationCount: 64", "validationCount: 70000",
         "invalid setting validation: expected between 1 and 399 images held out of the 400 training images; "
         + "found 70000"),
        ("validationCount: 64", "validationCount: 0", "expected between 1 and 399 images"),
        ("validationCount: 64", "validationCount: 390", "invalid setting batch: expected at most 10 images"),
    ])
    func refusesSplitsTheDatasetCannotGive(original: String, replacement: String, problem: String) {
        #expect {
            _ = try Fixture.plan(Fixture.spec().replacingOccurrences(of: original, with: replacement))
        } throws: { error in
            guard let error = error as? SpecError else { return false }
            return error.location == "grid point seed=1" && error.problem.contains(problem)
        }
    }

    @Test func refusesASpecPathThatIsADirectoryOrMissing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = try #require(throws: SpecError.self) { try ExperimentSpec(contentsOf: directory.path) }
        #expect("\(folder)" == "\(directory.path): the file: is a directory; give the path of a spec file in it, "
                + "such as Experiments/quick.yaml")
        let missing = directory.appendingPathComponent("missing.yaml").path
        let absent = try #require(throws: SpecError.self) { try ExperimentSpec(contentsOf: missing) }
        #expect("\(absent)" == "\(missing): the file: does not exist; give the path of a spec such as "
                + "Experiments/quick.yaml")
    }

    @Test func refusesAModelThatTheDataDoesNotFit() {
        #expect(throws: SpecError.self) {
            _ = try Fixture.plan(Fixture.spec().replacingOccurrences(of: "repeats: [1, 1, 1],",
                                                                     with: "repeats: [1, 1, 1], stem: paper,"))
        }
    }
}
