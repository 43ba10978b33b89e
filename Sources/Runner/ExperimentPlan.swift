import Datasets
import Foundation
import Models
import Reports
import ResultsStore
import RunContract
import Training

/// The runs a spec expands to, each checked as `inception-lab train` would check it, with the model's input,
/// channels, classes and stem following the dataset (`DatasetShape`) unless the spec sets them. Runs that expand
/// to the same configuration and seed are kept once.
public struct ExperimentPlan {
    public let spec: ExperimentSpec
    public let runs: [PlannedRun]

    /// Expands and checks `spec`; the first malformed run is refused with its grid point and the problem.
    public init(spec: ExperimentSpec, datasets: DatasetProvider) throws(SpecError) {
        self.spec = spec
        let points = GridExpansion.points(of: spec)
        let varying = Set(spec.axes.filter { $0.values.count > 1 }.map(\.path))
        var runs: [PlannedRun] = []
        var keys: Set<String> = []
        for point in points {
            let run = try Self.plannedRun(point, varying: varying, datasets: datasets, file: spec.file)
            if keys.insert(run.runKey).inserted { runs.append(run) }
        }
        self.runs = runs
    }

    /// Registers the experiment (its spec text and description) and queues every selected run not yet in the
    /// database, as queued at `queuedAt` (`NewRun.queuedAt`; nil: now); returns the experiment's id and each
    /// selected run's insertion, in plan order. Finished, running or killed runs are left as they are.
    ///
    /// Refuses the spec first if its hypotheses changed after runs started (`checkHypothesesUnchanged`).
    @discardableResult
    public func insert(into store: ResultsStore, selection: RunSelection = .all, queuedAt: Double? = nil) throws
        -> (experimentID: Int, runs: [RunInsertion]) {
        try checkHypothesesUnchanged(in: store)
        let id = try store.experiment(named: spec.name, spec: spec.text, description: spec.description)
        return (id, try selection.runs(of: self).map {
            try store.insertRun($0.newRun(experimentID: id, queuedAt: queuedAt))
        })
    }

    /// Once a run of the experiment has started in `store`, its hypotheses are fixed: refuses this spec if its
    /// hypotheses differ from those of the spec stored with the experiment (a margin chosen after seeing runs is
    /// not declared before them). Anything else in the spec may change (more seeds, comments).
    public func checkHypothesesUnchanged(in store: ResultsStore) throws {
        guard let (storedSpec, startedRuns) = try store.storedSpec(experiment: spec.name), startedRuns > 0 else {
            return
        }
        let stored: Hypotheses
        do { stored = try Hypotheses(spec: storedSpec) } catch {
            throw SpecError(file: spec.file, location: "hypotheses", problem: "the spec stored with experiment "
                            + "'\(spec.name)' does not parse (\(error)), so a change cannot be ruled out")
        }
        let changed = spec.hypotheses.changed(from: stored)
        guard !changed.isEmpty else { return }
        throw SpecError(file: spec.file, location: "hypotheses",
                        problem: "\(changed.map { "finding\($0)" }.joined(separator: ", ")) differ from the "
                            + "hypotheses stored with experiment '\(spec.name)', under which \(startedRuns) of its "
                            + "runs have started; hypotheses are declared before the runs, so restore the stored "
                            + "ones (inception-lab sql \"SELECT spec FROM experiments WHERE name = "
                            + "'\(spec.name)'\") or give the changed spec a new name")
    }

    private static func plannedRun(_ point: GridPoint, varying: Set<String>, datasets: DatasetProvider,
                                   file: String) throws(SpecError) -> PlannedRun {
        func refuse(_ problem: String) -> SpecError {
            SpecError(file: file, location: "grid point \(point.description)", problem: problem)
        }
        let tree = point.tree
        guard case .string(let modelName)? = tree.value(at: "model.model"), let model = ModelName(rawValue: modelName)
        else {
            throw refuse("model.model: expected one of \(ModelName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let dataName = tree.value(at: "data.name").map(\.description) ?? TrainingConfig.Data().name
        let dataset: LoadedDataset
        do {
            dataset = try datasets.dataset(named: dataName, directory: tree.value(at: "data.directory")?.description)
        } catch { throw refuse("data: \(error)") }
        let pad: Int? = if case .int(let p)? = tree.value(at: "data.pad") { p } else { nil }
        let shape = DatasetShape(dataset: dataset, pad: pad)
        var defaults = TrainingConfig(model: ModelConfig(
            model: model, stem: shape.stem, inputSize: shape.inputSize, inputChannels: shape.channels,
            classes: shape.classes))
        defaults.data.pad = shape.pad
        let full = ConfigValue.encoding(defaults).merging(tree, atomic: ConfigSchema.atomic)
        let config: TrainingConfig
        do {
            config = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(full))
            try config.validate()
            try config.validate(for: dataset)
        } catch let error as DecodingError {
            throw refuse(Self.describe(error))
        } catch {
            throw refuse("\(error)")
        }
        return PlannedRun(name: config.runName + point.nameSuffix(varying: varying), point: point.description,
                          config: config, dataset: dataset)
    }

    /// A decoding error as `field.path: expected …`.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ extra: [any CodingKey] = []) -> String {
            (context.codingPath + extra).filter { $0.intValue == nil }.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(path(context)): expected \(Self.kind(of: type))"
        case .keyNotFound(let key, let context):
            return "\(path(context, [key])): expected a value"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is Double.Type: "a number"
        case is Int.Type: "a whole number"
        case is UInt64.Type: "a non-negative whole number"
        case is Bool.Type: "true or false"
        case is String.Type: "text"
        default: "a value of type \(type)"
        }
    }
}
