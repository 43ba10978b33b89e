/// Several runs side by side, for `inception-lab compare`: where their configurations differ and their final
/// metrics. A `Sendable` value.
public struct RunComparison: Sendable, Equatable {
    /// One row per configuration path (dotted, e.g. `model.width`, arrays as `stages[0]`) whose value is not
    /// the same in every run, sorted by path: column `path`, then one column per run (`run ID`) holding the
    /// value, or NULL where the run's configuration lacks the path.
    public var configDifferences: ResultTable
    /// One row per metric recorded by any of the runs, sorted by name: column `metric`, then one column per run
    /// holding the metric's last value (NULL where the run has none, or where the value was NaN).
    public var finalMetrics: ResultTable
    /// What each run computed with (`ComputeSetting`), one row each for `processor`, `library` and `threads`, and
    /// `earlier settings` (those of its steps before it was resumed elsewhere, `; `-separated; NULL if none): column
    /// `field`, then one column per run, NULL where it recorded no environment. Its times (`step_time`,
    /// `images_per_second`, wall times) compare with another run's only where these agree.
    public var computeSettings: ResultTable

    /// Whether the runs' times may not compare: they computed with different settings, or one recorded none or
    /// was resumed on another.
    public var settingsDiffer: Bool
}

extension ResultsReader {
    /// Compares runs `ids` (in the order given); an unknown id is an error.
    public func compare(_ ids: [Int]) throws -> RunComparison {
        let details = try ids.map { try run($0) }
        let configs = try details.map { try flattenedConfig($0.run.configJSON) }
        let labels = ids.map { "run \($0)" }

        let paths = Set(configs.flatMap(\.keys)).sorted()
        let differing = paths.compactMap { path -> [SQLValue]? in
            let values = configs.map { $0[path] ?? .null }
            return Set(values).count > 1 ? [.text(path)] + values : nil
        }

        let metricNames = Set(details.flatMap(\.finalMetrics.keys)).sorted()
        let finals = metricNames.map { name in
            [.text(name)] + details.map { $0.finalMetrics[name]?.value.map(SQLValue.real) ?? .null }
        }
        let settings = details.map { $0.environment?.setting }
        let earlier = details.map { detail in
            detail.environment.flatMap { $0.earlierSettings.isEmpty ? nil : $0.earlierSettings.joined(separator: "; ") }
        }
        let compute: [[SQLValue]] = [
            [.text("processor")] + settings.map { $0.map { .text($0.processor) } ?? .null },
            [.text("library")] + settings.map { $0.map { .text($0.library) } ?? .null },
            [.text("threads")] + settings.map { $0.map { .integer(Int64($0.threads)) } ?? .null },
            [.text("earlier settings")] + earlier.map { $0.map(SQLValue.text) ?? .null },
        ]
        return RunComparison(configDifferences: ResultTable(columns: ["path"] + labels, rows: differing),
                             finalMetrics: ResultTable(columns: ["metric"] + labels, rows: finals),
                             computeSettings: ResultTable(columns: ["field"] + labels, rows: compute),
                             settingsDiffer: Set(settings).count > 1 || settings.contains(nil)
                                 || earlier.contains { $0 != nil })
    }

    /// The leaves of the JSON document `json` by dotted path (`model.width`, `stages[0]`): text, numbers,
    /// `true`/`false` and `null` (as text, so that they differ from the strings and numbers). Uses SQLite's
    /// `json_tree`, so numbers read back exactly as SQLite parses them.
    func flattenedConfig(_ json: String) throws -> [String: SQLValue] {
        let leaves = try database.query("""
            SELECT substr(fullkey, 3), CASE type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
                                                 WHEN 'null' THEN 'null' ELSE atom END
            FROM json_tree(?) WHERE type NOT IN ('object', 'array')
            """, [json])
        return Dictionary(leaves.rows.map { ($0[0].string!, $0[1]) }, uniquingKeysWith: { first, _ in first })
    }
}
