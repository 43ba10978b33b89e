/// Why an experiment spec is refused: the file, where in it (a dotted field path such as `base.model.width`,
/// `grid.seed` or `runs[1].learningRate`, or a run's grid point), and what is wrong or what was expected.
/// A `Sendable` value.
public struct SpecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spec file as given on the command line.
    public var file: String
    /// Where the problem is.
    public var location: String
    /// What is wrong, as a phrase (`expected a list of values`, `unknown field; …`).
    public var problem: String

    public init(file: String, location: String, problem: String) {
        self.file = file
        self.location = location
        self.problem = problem
    }

    /// A problem stated as what was expected at `path`.
    init(file: String, path: String, expected: String) {
        self.init(file: file, location: path.isEmpty ? "the top level" : path, problem: "expected \(expected)")
    }

    public var description: String { "\(file): \(location): \(problem)" }
}
