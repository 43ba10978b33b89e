import ArgumentParser
import Runner

/// `SPEC`: the experiment spec a command reads, shared by `plan` and `submit` (`run` takes several).
struct ExperimentArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("An experiment spec (YAML; see Experiments/README.md).", valueName: "spec"))
    var spec: String

    /// The spec parsed, expanded into runs and checked; a malformed spec is refused with its file, field and
    /// what was expected.
    func plan(datasets: DatasetProvider = DatasetProvider()) throws -> ExperimentPlan {
        try Self.plan(spec, datasets: datasets)
    }

    /// The spec at `path` parsed, expanded into runs and checked, as `plan(datasets:)` (`run` reads several).
    static func plan(_ path: String, datasets: DatasetProvider) throws -> ExperimentPlan {
        try ExperimentPlan(spec: try ExperimentSpec(contentsOf: path), datasets: datasets)
    }
}
