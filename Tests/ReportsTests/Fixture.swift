import Foundation
import ResultsStore
import RunContract
@testable import Reports

/// One run a test puts in the database, with curves built from known formulas.
struct FixtureRun: Sendable {
    var model: String
    /// Residual scale of every stage (nil for a pure network).
    var scale: Double?
    var seed: Int
    var learningRate = 0.045
    var warmupSteps = 0
    var status = RunStatus.finished
    var diedAtStep: Int?
    /// The pre-pool dead fraction at every probe of a run that did not die (a run that died probes 0, then 1).
    var deadFraction = 0.0
    /// Whether the model has the extra BatchNorm before the average pool.
    var prePoolBatchNorm = false
    /// Repeats of the A, B and C blocks.
    var repeats = [1, 1, 1]
    /// The validation top-1 error at each evaluation step.
    var validation: @Sendable (Int) -> Double
    /// Steps the run took (it logs every 20 and evaluates every 30 up to here).
    var steps = 300
    /// Seconds per step (wall time grows linearly).
    var stepTime = 0.5
    /// A stop of the process counted in the wall time, as the trainer records it: `seconds` more in
    /// the logging interval ending at `step` (its `step_time` grows by a twentieth of them) and in every later
    /// wall time.
    var stop: (step: Int, seconds: Double)?
    /// The command line its environment records (`run` without `--worker`: it ran alone).
    var commandLine = "inception-lab run test.yaml"
    /// The processor its environment records.
    var processor = "Test CPU"
    /// The `extra_json` its environment records.
    var extraJSON = "{}"

    /// The configuration JSON the trainer would store (canonical: sorted keys), at width 0.125 with one block per
    /// stage to keep the networks small.
    var configJSON: String {
        let scales = scale.map { #","residualScales":{"a":\#($0),"b":\#($0),"c":\#($0)}"# } ?? ""
        return #"{"batchSize":64,"budget":{"epochs":3},"checkpointEvery":200,"data":{"cropPadding":0,"flip":false,"#
            + #""name":"fashion-mnist","normalization":"standardized","pad":2},"deadChannelThreshold":0.99,"#
            + #""deadPatience":3,"evaluateEvery":30,"labelSmoothing":0,"learningRate":\#(learningRate),"#
            + #""learningRateDecay":0.94,"learningRateDecayEpochs":2,"logEvery":20,"model":{"batchNormDecay":0.99,"#
            + #""classes":10,"dropoutKeep":0.8,"inputChannels":1,"inputSize":32,"model":"\#(model)","#
            + (prePoolBatchNorm ? #""prePoolBatchNorm":true,"# : "")
            + #""repeats":{"a":\#(repeats[0]),"b":\#(repeats[1]),"c":\#(repeats[2])}\#(scales),"#
            + #""stem":"compact","width":0.125},"momentum":0.9,"#
            + #""optimizer":"rmsprop","rmspropDecay":0.9,"rmspropEpsilon":1,"seed":\#(seed),"#
            + #""warmupLearningRate":\#(warmupSteps > 0 ? "0.001" : "0"),"#
            + #""warmupSteps":\#(warmupSteps),"weightDecay":0}"#
    }
}

/// Steps per epoch of the fixture runs.
let fixtureStepsPerEpoch = 100.0

/// An error curve falling from 0.9 to `final` with time constant `tau` steps, shifted by `offset`.
func decay(final: Double, tau: Double, offset: Double = 0) -> @Sendable (Int) -> Double {
    { step in final + (0.9 - final) * exp(-Double(step) / tau) + offset }
}

/// Runs `body` with a database at a fresh temporary path holding experiment `experiment` with `runs`, removed
/// afterwards.
func withDatabase<Result>(experiment: String = "residual-vs-pure", runs: [FixtureRun],
                          _ body: (String) throws -> Result) throws -> Result {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ReportsTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("lab.sqlite").path
    try fill(path, experiment: experiment, runs: runs)
    return try body(path)
}

/// Writes `runs` into the database at `path` as the runner would: all queued first (the experiment's design,
/// `Look`), then each with its configuration, environment, metrics and status. `spec` is the experiment's stored
/// spec (its hypotheses; none: the defaults).
func fill(_ path: String, experiment: String, spec: String = "", runs: [FixtureRun]) throws {
    let store = try ResultsStore(path: path)
    let experimentID = try store.experiment(named: experiment, spec: spec, description: "A test experiment.")
    let ids = try runs.map { run in
        try store.insertRun(NewRun(name: "\(run.model)-s\(run.seed)", configJSON: run.configJSON,
                                   seed: run.seed, experimentID: experimentID, totalSteps: run.steps)).id
    }
    for (run, id) in zip(runs, ids) {
        _ = try store.claimRun(id)
        try store.recordEnvironment(RunEnvironment(
            codeRevision: "abc123", host: "testhost", cpuModel: run.processor, threads: 2, blasConfig: "OpenBLAS test",
            swiftVersion: "Swift 6.3", datasetChecksum: "0f6a96ea", commandLine: run.commandLine,
            extraJSON: run.extraJSON), run: id)
        let writer = try MetricWriter(store: store, run: id)
        func time(_ step: Int) -> Double {
            Double(step) * run.stepTime + (run.stop.map { step >= $0.step ? $0.seconds : 0 } ?? 0)
        }
        for step in stride(from: 20, through: run.steps, by: 20) {
            let time = time(step)
            let stepTime = run.stepTime + (run.stop.map { step == $0.step ? $0.seconds / 20 : 0 } ?? 0)
            let dead = run.diedAtStep.map { step >= $0 ? 1.0 : 0.0 } ?? run.deadFraction
            try writer.append(Metric.epoch, step: step, value: Double(step) / fixtureStepsPerEpoch, wallTime: time)
            try writer.append(Metric.trainLoss, step: step, value: 2 * run.validation(step), wallTime: time)
            try writer.append(Metric.stepTime, step: step, value: stepTime, wallTime: time)
            try writer.append(Metric.prepoolDeadFraction, step: step, value: dead, wallTime: time)
            for (index, name) in Metric.stageRMS.enumerated() {
                try writer.append(name, step: step, value: Double(index + 1), wallTime: time)
            }
        }
        for step in stride(from: 30, through: run.steps, by: 30) {
            let time = time(step)
            try writer.append(Metric.validationTop1, step: step, value: run.validation(step), wallTime: time)
            try writer.append(Metric.validationTop5, step: step, value: run.validation(step) / 4, wallTime: time)
        }
        try writer.flush()
        try store.finish(run: id, as: run.status, diedAtStep: run.diedAtStep)
    }
}

/// Loads and analyses experiment `experiment` of the database at `path`.
func report(_ path: String, experiment: String = "residual-vs-pure",
            targets: [Double]? = nil) throws -> ExperimentReport {
    try ExperimentReport(ExperimentData.load(from: ResultsReader(path: path), experiment: experiment), targets: targets)
}

/// Three seeds of Inception-v4 (slower) and Inception-ResNet-v2 (paper layout, scale 0.2; fast), reaching the same
/// final error, plus three seeds of the unscaled residual network of which two die and one also diverges.
let residualExperiment: [FixtureRun] = (0..<3).flatMap { seed -> [FixtureRun] in
    let offset = 0.002 * Double(seed - 1)
    return [
        FixtureRun(model: "inception-v4", scale: nil, seed: seed,
                   validation: decay(final: 0.15, tau: 60, offset: offset), stepTime: 0.6),
        FixtureRun(model: "inception-resnet-v2-paper", scale: 0.2, seed: seed,
                   validation: decay(final: 0.15, tau: 30, offset: offset), stepTime: 0.4),
        FixtureRun(model: "inception-resnet-v2-paper", scale: 1, seed: seed,
                   status: seed == 2 ? .diverged : .finished, diedAtStep: seed == 0 ? nil : 100,
                   validation: decay(final: 0.16, tau: 30, offset: offset), steps: seed == 2 ? 150 : 300,
                   stepTime: 0.4),
    ]
}
