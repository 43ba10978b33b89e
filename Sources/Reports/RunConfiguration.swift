import Foundation
import Models
import RunContract

/// A run's training configuration with the seed removed: the stored `TrainingConfig` itself, decoded as the trainer
/// reads it (a field missing from the stored JSON takes the trainer's default), its fields read through
/// (`configuration.learningRate`, `configuration.model.width`), and every setting as text for grouping and display.
/// A `Sendable` value; equal for runs that differ only by seed.
@dynamicMemberLookup
public struct RunConfiguration: Sendable, Hashable {
    /// The run's configuration, its seed set to 0.
    public var config: TrainingConfig
    /// Every leaf of the configuration JSON by dotted path (`model.width`, `budget.epochs`), seed excluded, as
    /// text (numbers in shortest round-trip form).
    public var settings: [String: String]

    /// Decodes the configuration JSON `json`; `settings` are its leaves by dotted path (the `seed` leaf, if
    /// present, is dropped).
    public init(json: String, settings: [String: String]) throws {
        do {
            config = try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8))
        } catch {
            throw ReportError("cannot read a run's configuration (\(error)): \(json)")
        }
        config.seed = 0
        self.settings = settings.filter { $0.key != "seed" }
    }

    /// A field of the configuration.
    public subscript<Value>(dynamicMember field: KeyPath<TrainingConfig, Value>) -> Value { config[keyPath: field] }

    /// The configuration's identity: every setting, sorted by path, as one line of text.
    public var key: String {
        settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    /// Whether the network has residual blocks.
    public var isResidual: Bool { config.model.model.isResidual }

    /// Whether the network is residual with every residual scale 1, none learned, and its branches' last
    /// convolutions at their plain initialisation and learning rate (no scaling before the addition, nor its
    /// reparametrisation).
    public var isUnscaledResidual: Bool {
        let model = config.model
        guard let s = model.residualScales, !model.residualScaleMode.isLearned, model.residualBranchInitScale == 1,
              model.residualBranchLearningRateMultiplier == 1 else { return false }
        return s.a == 1 && s.b == 1 && s.c == 1
    }

    /// The residual scales as text: `1` or `0.2` when the three stages share a scale, `0.17/0.1/0.2` otherwise,
    /// followed by the learned scales (`, layerscale from 0.1`, `, rezero from 0`) and the reparametrised branch
    /// (`, branch init ×0.1 rate ×0.1`) when set; `-` for a network without residual blocks.
    public var scalesText: String {
        let model = config.model
        guard let s = model.residualScales else { return "-" }
        var text = s.a == s.b && s.b == s.c ? "\(s.a)" : "\(s.a)/\(s.b)/\(s.c)"
        if model.residualScaleMode.isLearned {
            text += ", \(model.residualScaleMode.rawValue) from \(model.residualScaleInit ?? 0)"
        }
        if model.residualBranchInitScale != 1 || model.residualBranchLearningRateMultiplier != 1 {
            text += ", branch init ×\(model.residualBranchInitScale) "
                + "rate ×\(model.residualBranchLearningRateMultiplier)"
        }
        return text
    }

    /// The remedies against instability this configuration applies beyond residual scaling: `extra BatchNorm`
    /// and `warm-up N steps at LR`, joined by `; `, or `none` (a lower learning rate shows in the `lr` column
    /// next to it).
    public var remedyText: String {
        let remedies = (config.model.prePoolBatchNorm ? ["extra BatchNorm"] : [])
            + (config.warmupSteps > 0 ? ["warm-up \(config.warmupSteps) steps at \(config.warmupLearningRate)"] : [])
        return remedies.isEmpty ? "none" : remedies.joined(separator: "; ")
    }

    /// The settings except those at paths starting with one of `prefixes`: what must match for two
    /// configurations to be compared as "the same recipe".
    func settings(excluding prefixes: [String]) -> [String: String] {
        settings.filter { entry in !prefixes.contains { entry.key.hasPrefix($0) } }
    }

    /// The settings except those at exactly the paths `keys`.
    func settings(excludingKeys keys: Set<String>) -> [String: String] {
        settings.filter { !keys.contains($0.key) }
    }
}
