import Foundation
import Reports
import Yams

/// An experiment as written in `Experiments/*.yaml` (format: `Experiments/README.md`): a name, a description,
/// the base run configuration, grid axes by dotted path, and explicit extra runs. Parsing checks the structure
/// and every field name; `ExperimentPlan` expands it into runs and checks each run's values.
/// A `Sendable` value.
public struct ExperimentSpec: Sendable, Equatable {
    /// One varied field: its dotted configuration path and the values it takes, in the order written.
    public struct Axis: Sendable, Equatable {
        public var path: String
        public var values: [ConfigValue]
    }

    /// The spec file as named on the command line, for messages.
    public var file: String
    /// The YAML text, stored with the experiment.
    public var text: String
    /// The experiment's name in the results database.
    public var name: String
    public var description: String
    /// The partial configuration every run starts from (normalized: stage triples as mappings).
    public var base: ConfigValue
    /// The grid, sorted by path so that the order of keys in the file does not matter.
    public var axes: [Axis]
    /// Extra runs: partial configurations merged over `base`, each crossed with the axes it does not set.
    public var runs: [ConfigValue]
    /// The findings' hypotheses, declared before the runs (`hypotheses:`), by finding number; the defaults
    /// (`Hypotheses.defaults`) where the spec declares none. Reports read them from the spec stored with the
    /// experiment.
    public var hypotheses: Hypotheses

    /// The top-level fields of a spec.
    static let fields = ["name", "description", "base", "grid", "runs", "hypotheses"]

    /// Reads and parses the spec at `path`.
    public init(contentsOf path: String) throws(SpecError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SpecError(file: path, location: "the file", problem: "does not exist; give the path of a spec "
                            + "such as Experiments/quick.yaml")
        }
        guard !isDirectory.boolValue else {
            throw SpecError(file: path, location: "the file", problem: "is a directory; give the path of a spec "
                            + "file in it, such as Experiments/quick.yaml")
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SpecError(file: path, location: "the file", problem: "cannot be read as UTF-8 text; check its "
                            + "permissions and encoding")
        }
        try self.init(yaml: text, file: path)
    }

    /// Parses `yaml`; `file` names it in errors.
    public init(yaml: String, file: String) throws(SpecError) {
        self.file = file
        text = yaml
        let node: Node?
        do { node = try Yams.compose(yaml: yaml) } catch {
            throw SpecError(file: file, location: "YAML", problem: "\(error)")
        }
        guard let node, case .object(let top) = try ConfigValue(yaml: node, path: "", file: file) else {
            throw SpecError(file: file, path: "",
                            expected: "a mapping with fields \(Self.fields.joined(separator: ", "))")
        }
        if let unknown = top.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            throw SpecError(file: file, location: unknown,
                            problem: "unknown field; a spec has \(Self.fields.joined(separator: ", "))")
        }
        guard case .string(let name)? = top["name"], !name.isEmpty else {
            throw SpecError(file: file, path: "name", expected: "the experiment's name (text)")
        }
        self.name = name
        switch top["description"] {
        case nil: description = ""
        case .string(let text)?: description = text
        case let other?:
            throw SpecError(file: file, path: "description", expected: "text; found \(other.kindDescription)")
        }
        guard let base = top["base"] else {
            throw SpecError(file: file, path: "base", expected: "the base run configuration (a mapping)")
        }
        self.base = ConfigSchema.normalized(base)
        try ConfigSchema.check(self.base, at: "", writtenAt: "base", file: file)
        axes = try Self.axes(top["grid"], file: file)
        runs = try Self.runs(top["runs"], file: file)
        do { hypotheses = try Hypotheses(spec: yaml) } catch {
            throw SpecError(file: file, location: error.location, problem: error.problem)
        }
    }

    private static func axes(_ grid: ConfigValue?, file: String) throws(SpecError) -> [Axis] {
        guard let grid else { return [] }
        guard case .object(let fields) = grid, !fields.isEmpty else {
            throw SpecError(file: file, path: "grid", expected: "a mapping of dotted field paths to lists of values, "
                            + "such as {seed: [1, 2, 3]}; leave grid out for a single run")
        }
        var axes: [Axis] = []
        for path in fields.keys.sorted() {
            guard ConfigSchema.isSettable(path) else {
                throw SpecError(file: file, location: "grid.\(path)", problem: "unknown field path; grid keys are "
                                + "dotted paths of the run configuration such as model.width or learningRate "
                                + "(a budget is varied whole: budget)")
            }
            guard case .list(let values) = fields[path]!, !values.isEmpty else {
                throw SpecError(file: file, path: "grid.\(path)", expected: "a non-empty list of values")
            }
            var normalized: [ConfigValue] = []
            for (i, value) in values.enumerated() {
                let v = ConfigSchema.normalized(value, at: path)
                try ConfigSchema.check(v, at: path, writtenAt: "grid.\(path)[\(i)]", file: file)
                normalized.append(v)
            }
            axes.append(Axis(path: path, values: normalized))
        }
        return axes
    }

    private static func runs(_ runs: ConfigValue?, file: String) throws(SpecError) -> [ConfigValue] {
        guard let runs else { return [] }
        guard case .list(let items) = runs else {
            throw SpecError(file: file, path: "runs", expected: "a list of partial run configurations")
        }
        var result: [ConfigValue] = []
        for (i, item) in items.enumerated() {
            let run = ConfigSchema.normalized(item)
            guard case .object(let fields) = run, !fields.isEmpty else {
                throw SpecError(file: file, path: "runs[\(i)]", expected: "a mapping of configuration fields")
            }
            try ConfigSchema.check(run, at: "", writtenAt: "runs[\(i)]", file: file)
            result.append(run)
        }
        return result
    }
}
