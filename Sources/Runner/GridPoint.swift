/// One run of an experiment before its values are checked: the merged partial configuration, and what made it
/// (axis values, and the extra run it comes from). A `Sendable` value.
public struct GridPoint: Sendable {
    /// The axes' values at this point, in axis order, as (path, value).
    public var assignments: [(path: String, value: ConfigValue)]
    /// Index into the spec's `runs` when the point comes from an extra run.
    public var extraRun: Int?
    /// The paths the extra run sets (empty for grid points).
    public var extraSettings: [(path: String, value: ConfigValue)]
    /// Base, extra run and axis values merged.
    public var tree: ConfigValue

    /// For messages: `model.model=inception-v4, seed=1`, or `runs[0] (warmupSteps=200), seed=1`.
    public var description: String {
        let axes = assignments.map { "\($0.path)=\($0.value)" }
        guard let extraRun else { return axes.isEmpty ? "the base configuration" : axes.joined(separator: ", ") }
        let settings = extraSettings.map { "\($0.path)=\($0.value)" }.joined(separator: ", ")
        return (["runs[\(extraRun)] (\(settings))"] + axes).joined(separator: ", ")
    }

    /// The name suffix that tells this run from its siblings: `-<field>=<value>` for each setting of the extra
    /// run and each varying axis, except the model, width and seed that every run name already holds.
    func nameSuffix(varying: Set<String>) -> String {
        let named: Set<String> = ["model.model", "model.width", "seed"]
        let parts = extraSettings.filter { !named.contains($0.path) }
            + assignments.filter { varying.contains($0.path) && !named.contains($0.path) }
        return parts.map { "-\($0.path.split(separator: ".").last!)=\($0.value)" }.joined()
    }
}
