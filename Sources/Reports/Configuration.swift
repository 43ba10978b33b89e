import Models

/// A configuration of an experiment — a run's configuration with the seed removed — with its runs, one per seed.
/// A `Sendable` value.
public struct Configuration: Sendable {
    /// A short name, unique within the experiment: the model, then what distinguishes it from the experiment's
    /// other configurations (width, residual scale, learning rate, warm-up, any other differing setting).
    public var label: String
    /// The configuration shared by the runs.
    public var settings: RunConfiguration
    /// Its runs, by increasing seed (then id).
    public var runs: [RunRecord]

    /// The seeds of the runs, increasing.
    public var seeds: [Int] { runs.map(\.seed) }

    /// Groups `runs` by configuration, in a fixed order: model (v3, v4, IR-v1, IR-v2 paper, IR-v2), width,
    /// residual scales, learning rate, warm-up steps, then the configuration key.
    public static func group(_ runs: [RunRecord]) -> [Configuration] {
        let groups = Dictionary(grouping: runs, by: \.configuration.key).values.map { runs in
            runs.sorted { ($0.seed, $0.id) < ($1.seed, $1.id) }
        }
        let ordered = groups.sorted { order($0[0].configuration) < order($1[0].configuration) }
        let labels = self.labels(for: ordered.map { $0[0].configuration })
        return zip(labels, ordered).map { Configuration(label: $0, settings: $1[0].configuration, runs: $1) }
    }

    /// The sort key of a configuration.
    private static func order(_ c: RunConfiguration) -> SortKey {
        let s = c.model.residualScales
        return SortKey(model: ModelName.allCases.firstIndex(of: c.model.model)!, width: c.model.width,
                       scales: [s?.a ?? 0, s?.b ?? 0, s?.c ?? 0], learningRate: c.learningRate,
                       warmupSteps: c.warmupSteps, key: c.key)
    }

    private struct SortKey: Comparable {
        var model: Int
        var width: Double
        var scales: [Double]
        var learningRate: Double
        var warmupSteps: Int
        var key: String

        static func < (l: SortKey, r: SortKey) -> Bool {
            if l.model != r.model { return l.model < r.model }
            if l.width != r.width { return l.width < r.width }
            if l.scales != r.scales { return l.scales.lexicographicallyPrecedes(r.scales) }
            if l.learningRate != r.learningRate { return l.learningRate < r.learningRate }
            if l.warmupSteps != r.warmupSteps { return l.warmupSteps < r.warmupSteps }
            return l.key < r.key
        }
    }

    /// Labels for `configurations`: the model; `w` and the width when widths differ; `scale` for residual
    /// networks; `lr` when learning rates differ; the remedies (extra BatchNorm, warm-up) when there are any; then, for
    /// configurations that would still share a label, every setting on which they differ (`path=value`).
    static func labels(for configurations: [RunConfiguration]) -> [String] {
        func varies(_ value: (RunConfiguration) -> String) -> Bool { Set(configurations.map(value)).count > 1 }
        let widthVaries = varies { "\($0.model.width)" }
        let rateVaries = varies { "\($0.learningRate)" }
        let labels = configurations.map { c in
            var parts = [c.model.model.rawValue]
            if widthVaries { parts.append("w\(c.model.width)") }
            if c.isResidual { parts.append("scale \(c.scalesText)") }
            if rateVaries { parts.append("lr \(c.learningRate)") }
            if c.remedyText != "none" { parts.append(c.remedyText) }
            return parts.joined(separator: " ")
        }
        return labels.indices.map { index in
            let twins = labels.indices.filter { labels[$0] == labels[index] }
            guard twins.count > 1 else { return labels[index] }
            let paths = Set(twins.flatMap { configurations[$0].settings.keys }).sorted().filter { path in
                Set(twins.map { configurations[$0].settings[path] ?? "-" }).count > 1
            }
            let own = paths.map { "\($0)=\(configurations[index].settings[$0] ?? "-")" }
            return labels[index] + " (" + own.joined(separator: ", ") + ")"
        }
    }
}
