import Datasets
import Models
import RunContract

/// The fields an experiment spec may set in a run configuration: exactly `TrainingConfig`'s, by the names its
/// JSON uses (`learningRate`, `model.width`, `data.pad`, …), taken from an encoded configuration so the two
/// cannot drift apart. Leaf types are checked when the merged tree is decoded into a `TrainingConfig`; this type
/// checks the structure (unknown fields, mappings where mappings belong) and the named choices, at the place in
/// the spec where they were written.
enum ConfigSchema {
    /// A configuration with every optional field set, as a tree: its paths are the settable fields.
    static let tree: ConfigValue = {
        // Residual, so that residualScales is set; the residual-scaling fields away from their defaults, which
        // encoding omits.
        var c = TrainingConfig(model: ModelConfig(
            model: .inceptionResNetV2, prePoolBatchNorm: true, residualScaleMode: .layerscale, residualScaleInit: 0.1,
            residualBranchInitScale: 0.1, residualBranchLearningRateMultiplier: 0.1))
        c.gradientClip = 1
        c.batchNormRecomputeBatches = 1
        c.data.directory = ""
        c.data.validationCount = 0
        return .encoding(c)
    }()

    /// Fields that hold whole numbers (counts, steps, the seed), found by reflecting on the populated configuration,
    /// plus a budget's `steps`. Checked here because Foundation's JSON decoder reports a fraction given for a whole
    /// number without saying where.
    static let wholeNumberPaths = wholeNumbers(in: populated).union(["budget.steps"])

    /// The whole-number fields that are unsigned (the seed), by the same reflection.
    static let unsignedPaths = wholeNumbers(in: populated, where: { $0 is UInt64 })

    /// A configuration whose optional whole-number fields are set, for reflection.
    private static let populated = {
        var c = TrainingConfig(model: ModelConfig(model: .inceptionResNetV2))
        c.data.validationCount = 0
        c.batchNormRecomputeBatches = 1
        return c
    }()

    private static func wholeNumbers(in value: Any, at path: String = "",
                                     where isWanted: (Any) -> Bool = { $0 is Int || $0 is UInt64 }) -> Set<String> {
        Mirror(reflecting: value).children.reduce(into: []) { paths, child in
            guard let label = child.label else { return }
            let childPath = ConfigValue.join(path, label)
            if isWanted(child.value) {
                paths.insert(childPath)
            } else if Mirror(reflecting: child.value).displayStyle == .struct {
                paths.formUnion(wholeNumbers(in: child.value, at: childPath, where: isWanted))
            }
        }
    }

    /// Fields replaced whole when configurations merge: a budget is `{epochs: E}` or `{steps: S}`, never both.
    static let atomic: Set<String> = ["budget"]

    /// Per-stage triples, which may also be written as a list `[a, b, c]`.
    static let stageTriples: Set<String> = ["model.repeats", "model.residualScales"]

    /// Fields whose value is one of a fixed set of names.
    static let choices: [String: [String]] = [
        "model.model": ModelName.allCases.map(\.rawValue),
        "model.stem": Stem.allCases.map(\.rawValue),
        "model.residualScaleMode": ResidualScaleMode.allCases.map(\.rawValue),
        "optimizer": TrainingConfig.OptimizerKind.allCases.map(\.rawValue),
        "data.name": DatasetSpec.names,
        "data.normalization": TrainingConfig.Normalization.allCases.map(\.rawValue),
    ]

    /// Whether a grid may vary `path`: a field of the configuration, and not part of a budget (vary `budget` as a
    /// whole instead).
    static func isSettable(_ path: String) -> Bool {
        tree.paths.contains(path) && !atomic.contains { path.hasPrefix($0 + ".") }
    }

    /// `value` (found at configuration path `path`) with stage triples written as lists turned into mappings.
    static func normalized(_ value: ConfigValue, at path: String = "") -> ConfigValue {
        switch value {
        case .list(let items) where stageTriples.contains(path) && items.count == 3:
            return .object(["a": items[0], "b": items[1], "c": items[2]])
        case .object(let fields):
            return .object(fields.reduce(into: [:]) {
                $0[$1.key] = normalized($1.value, at: ConfigValue.join(path, $1.key))
            })
        default:
            return value
        }
    }

    /// Checks `value`, the configuration field at `path` (a normalized partial tree), written in the spec at
    /// `written` (for errors): unknown fields, mappings, budgets and named choices.
    static func check(_ value: ConfigValue, at path: String, writtenAt written: String,
                      file: String) throws(SpecError) {
        if atomic.contains(path) {
            guard case .object(let f) = value, f.count == 1, let key = f.keys.first, ["epochs", "steps"].contains(key)
            else {
                throw SpecError(file: file, path: written, expected: "exactly one of epochs or steps, such as "
                                + "{epochs: 1} or {steps: 300}; found \(value.kindDescription)")
            }
            return try check(f[key]!, at: "\(path).\(key)", writtenAt: "\(written).\(key)", file: file)
        }
        if let names = choices[path] {
            guard case .string(let s) = value, names.contains(s) else {
                throw SpecError(file: file, path: written,
                                expected: "one of \(names.joined(separator: ", ")); found \(value.kindDescription)")
            }
            return
        }
        if wholeNumberPaths.contains(path) {
            let unsigned = unsignedPaths.contains(path)
            guard case .int(let number) = value, number >= 0 || !unsigned else {
                throw SpecError(file: file, path: written,
                                expected: "a whole number\(unsigned ? " of 0 or more" : ""); "
                                    + "found \(value.kindDescription)")
            }
            return
        }
        guard case .object(let known)? = path.isEmpty ? tree : tree.value(at: path) else { return }
        guard case .object(let fields) = value else {
            let example = stageTriples.contains(path) ? " (or a list of three)" : ""
            throw SpecError(file: file, path: written, expected: "a mapping with fields "
                            + "\(known.keys.sorted().joined(separator: ", "))\(example); "
                            + "found \(value.kindDescription)")
        }
        for (key, field) in fields.sorted(by: { $0.key < $1.key }) {
            let fieldPath = ConfigValue.join(path, key), fieldWritten = ConfigValue.join(written, key)
            guard known[key] != nil else {
                throw SpecError(file: file, location: fieldWritten, problem: "unknown field; "
                                + "\(path.isEmpty ? "a run configuration" : path) has "
                                + "\(known.keys.sorted().joined(separator: ", "))")
            }
            try check(field, at: fieldPath, writtenAt: fieldWritten, file: file)
        }
    }

    /// The paths a partial configuration sets, stopping at budgets and stage triples (which count as one
    /// setting each), sorted.
    static func settings(of value: ConfigValue, at path: String = "") -> [String] {
        guard case .object(let fields) = value, !atomic.contains(path), !stageTriples.contains(path) else {
            return path.isEmpty ? [] : [path]
        }
        return fields.keys.sorted().flatMap { settings(of: fields[$0]!, at: ConfigValue.join(path, $0)) }
    }
}
