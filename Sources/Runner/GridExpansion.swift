/// Expands a spec's grid into points: the cross product of the axes (sorted by path, the last varying fastest)
/// over the base, then each extra run merged over the base and crossed with the axes it does not set itself.
/// The order and the trees depend only on the spec's content, not on the order of keys in its file.
public enum GridExpansion {
    public static func points(of spec: ExperimentSpec) -> [GridPoint] {
        var points = product(spec.axes).map { assignments in
            GridPoint(assignments: assignments, extraRun: nil, extraSettings: [],
                      tree: apply(assignments, to: spec.base))
        }
        for (index, run) in spec.runs.enumerated() {
            let settings = ConfigSchema.settings(of: run)
            let free = spec.axes.filter { axis in
                !settings.contains { $0 == axis.path || $0.hasPrefix(axis.path + ".") || axis.path.hasPrefix($0 + ".") }
            }
            let merged = spec.base.merging(run, atomic: ConfigSchema.atomic)
            points += product(free).map { assignments in
                GridPoint(assignments: assignments, extraRun: index,
                          extraSettings: settings.map { ($0, run.value(at: $0)!) },
                          tree: apply(assignments, to: merged))
            }
        }
        return points
    }

    /// Every combination of one value per axis, the last axis varying fastest; one empty combination for no axes.
    static func product(_ axes: [ExperimentSpec.Axis]) -> [[(path: String, value: ConfigValue)]] {
        axes.reduce([[]]) { partial, axis in
            partial.flatMap { prefix in axis.values.map { prefix + [(axis.path, $0)] } }
        }
    }

    private static func apply(_ assignments: [(path: String, value: ConfigValue)],
                              to tree: ConfigValue) -> ConfigValue {
        assignments.reduce(tree) { $0.setting($1.value, at: $1.path) }
    }
}
