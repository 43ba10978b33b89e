import ResultsStore

/// What an experiment ran and where: shared and varying settings, environments, and the caveats every finding
/// carries (the scale of the runs, the recipe's departures from the paper). A `Sendable` value.
public struct Overview: Sendable, Equatable, Encodable {
    /// Runs included (finished or diverged).
    public var runs: Int
    /// Runs left out, by status.
    public var excluded: [String: Int]
    /// Of those, the runs that `run` would take up again (`RunStatus.unfinished`).
    public var unfinished: Int
    /// Which look at the experiment's results the report takes, and so the level its tests decide at.
    public var look: Look
    /// Settings with the same value in every configuration, by path.
    public var sharedSettings: [Setting]
    /// Paths whose values differ between configurations, sorted.
    public var varyingSettings: [String]
    /// Distinct code revisions the runs recorded, sorted.
    public var codeRevisions: [String]
    /// Distinct hosts, sorted.
    public var hosts: [String]
    /// What the runs computed with: each setting (processor, library, threads) with its runs, the timed one
    /// (`Timing`) first, the others by decreasing runs.
    public var computeSettings: [SettingRuns]
    /// Distinct Swift versions, sorted.
    public var swiftVersions: [String]
    /// Distinct dataset checksums, sorted.
    public var datasetChecksums: [String]
    /// How many runs ran alone, as one of several processes of their sweep, or unrecorded
    /// (`RunRecord.occupancy`), by the occupancy's name; occupancies without runs are absent.
    public var occupancy: [String: Int]
    /// Caveats shared by every finding.
    public var caveats: [String]

    /// The runs of one compute setting. A `Sendable` value.
    public struct SettingRuns: Sendable, Equatable, Encodable {
        /// The setting (`ComputeSetting.description`); `not recorded` for runs without an environment, `resumed on
        /// another setting` for runs whose steps computed with more than one (never timed).
        public var setting: String
        /// Its runs.
        public var runs: Int
        /// Whether its runs' times are the report's (`Timing`).
        public var timed: Bool
    }

    /// One configuration setting: a dotted path and its value as text. A `Sendable` value.
    public struct Setting: Sendable, Equatable, Encodable {
        /// The dotted path, e.g. `model.width`.
        public var path: String
        /// The value as text.
        public var value: String
    }

    /// The paper's recipe where it differs from what a run may set: path, the paper's value as the settings
    /// spell it (JSON numbers without a fractional part read back as integers; a missing path counts as the
    /// paper's value), and how to name the departure.
    private static let paperRecipe: [(path: String, paper: String, name: String)] = [
        ("optimizer", "rmsprop", "optimizer"),
        ("learningRate", "0.045", "learning rate"),
        ("learningRateDecay", "0.94", "learning-rate decay factor"),
        ("learningRateDecayEpochs", "2", "learning-rate decay period (epochs)"),
        ("momentum", "0.9", "momentum"),
        ("rmspropDecay", "0.9", "RMSProp decay"),
        ("rmspropEpsilon", "1", "RMSProp ε"),
        ("weightDecay", "0", "weight decay (public code: 4e-5; not in the paper)"),
        ("labelSmoothing", "0", "label smoothing (Inception-v3 paper; not in this one)"),
        ("gradientClip", "null", "gradient clipping (public code: 2.0; not in the paper)"),
        ("data.cropPadding", "0", "random-crop padding (augmentation)"),
        ("data.flip", "false", "horizontal flips (augmentation)"),
        ("model.batchNormDecay", "0.9997", "BatchNorm moving-average decay (TensorFlow's)"),
        ("model.stem", "paper", "stem (compact: this project's, for small images)"),
        ("model.dropoutKeep", "0.8", "dropout keep probability"),
    ]

    /// The overview of `data`, whose runs are grouped in `configurations`.
    init(_ data: ExperimentData, configurations: [Configuration]) {
        runs = data.runs.count
        excluded = Dictionary(uniqueKeysWithValues: data.excluded.map { ($0.key.rawValue, $0.value) })
        unfinished = RunStatus.unfinished.reduce(0) { $0 + (data.excluded[$1] ?? 0) }
        look = data.look
        let settings = configurations.map(\.settings.settings)
        let paths = Set(settings.flatMap(\.keys)).sorted()
        let shared = paths.filter { path in Set(settings.map { $0[path] ?? "-" }).count == 1 }
        sharedSettings = shared.map { Setting(path: $0, value: settings[0][$0]!) }
        varyingSettings = paths.filter { !shared.contains($0) }
        let environments = data.runs.compactMap(\.environment)
        func distinct(_ value: (RunEnvironment) -> String) -> [String] { Array(Set(environments.map(value))).sorted() }
        codeRevisions = distinct(\.codeRevision)
        hosts = distinct(\.host)
        func label(_ run: RunRecord) -> String {
            run.setting?.description ?? (run.environment == nil ? "not recorded" : "resumed on another setting")
        }
        computeSettings = Dictionary(grouping: data.runs, by: label).map { label, runs in
            SettingRuns(setting: label, runs: runs.count, timed: data.timing.times(runs[0]))
        }.sorted { ($0.timed ? 1 : 0, $0.runs, $1.setting) > ($1.timed ? 1 : 0, $1.runs, $0.setting) }
        swiftVersions = distinct(\.swiftVersion)
        datasetChecksums = distinct(\.datasetChecksum)
        occupancy = Dictionary(grouping: data.runs, by: \.occupancy.rawValue).mapValues(\.count)
        caveats = Self.caveats(configurations)
    }

    /// The scale of the runs against the paper's, the recipe's departures, and single-seed configurations.
    private static func caveats(_ configurations: [Configuration]) -> [String] {
        func values(_ value: (RunConfiguration) -> String) -> String {
            Array(Set(configurations.map { value($0.settings) })).sorted().joined(separator: ", ")
        }
        let seeds = configurations.map(\.runs.count)
        let steps = configurations.flatMap(\.runs).map(\.step).max() ?? 0
        let seedRange = seeds.min()! == seeds.max()! ? "\(seeds.min()!)" : "\(seeds.min()!)–\(seeds.max()!)"
        var caveats = ["""
            Scale: width α \(values { "\($0.model.width)" }); budget \(values(budgetText)); dataset \
            \(values { $0.data.name }) at \
            \(values { "\($0.model.inputSize)×\($0.model.inputSize)×\($0.model.inputChannels)" }) \
            with \(values { "\($0.model.classes)" }) classes; \(seedRange) seeds per \
            configuration; at most \(steps) steps. The paper trained full-size networks (α = 1, 299×299×3, 1000 \
            classes) on ILSVRC-2012 for many epochs on 20 GPUs, one run per network.
            """]
        let departures = paperRecipe.compactMap { entry -> String? in
            let used = Set(configurations.map { $0.settings.settings[entry.path] ?? entry.paper })
            guard used != [entry.paper] else { return nil }
            return "\(entry.name) \(used.sorted().joined(separator: ", ")) (paper: \(entry.paper))"
        }
        if !departures.isEmpty {
            caveats.append("Recipe differs from the paper's: " + departures.joined(separator: "; ") + ".")
        }
        if seeds.min()! < VerdictRules.minimumSeeds {
            caveats.append("""
                Some configurations ran fewer than \(VerdictRules.minimumSeeds) seeds; comparisons that need \
                them are inconclusive.
                """)
        }
        return caveats
    }

    /// A configuration's budget as text, from its `budget.epochs` or `budget.steps` setting.
    private static func budgetText(_ configuration: RunConfiguration) -> String {
        if let epochs = configuration.settings["budget.epochs"] { return "epochs \(epochs)" }
        if let steps = configuration.settings["budget.steps"] { return "steps \(steps)" }
        return "unknown"
    }
}
