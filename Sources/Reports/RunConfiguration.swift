import Foundation
import Models

/// A run's training configuration with the seed removed: the fields a report reasons about, typed, and every
/// setting as text for grouping and display. A `Sendable` value; equal for runs that differ only by seed.
///
/// The typed fields are read from the stored `TrainingConfig` JSON (see `Sources/Training/TrainingConfig.swift`);
/// a field missing from it takes the trainer's default.
public struct RunConfiguration: Sendable, Hashable {
    /// The network: model, width multiplier, repeats, stem, input, residual scales.
    public var model: ModelConfig
    /// Learning rate after warm-up.
    public var learningRate: Double
    /// Steps of He et al.'s low-learning-rate warm-up (0: none).
    public var warmupSteps: Int
    /// Learning rate during the warm-up.
    public var warmupLearningRate: Double
    /// Images per training batch.
    public var batchSize: Int
    /// The dataset's name (`fashion-mnist`, `cifar10`, `synthetic`, …).
    public var dataset: String
    /// Every leaf of the configuration JSON by dotted path (`model.width`, `budget.epochs`), seed excluded, as
    /// text (numbers in shortest round-trip form).
    public var settings: [String: String]

    /// Reads the typed fields from the configuration JSON `json`; `settings` are its leaves by dotted path (the
    /// `seed` leaf, if present, is dropped).
    public init(json: String, settings: [String: String]) throws {
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(json.utf8))
        } catch {
            throw ReportError("cannot read a run's configuration (\(error)): \(json)")
        }
        model = fields.model
        learningRate = fields.learningRate ?? 0.045
        warmupSteps = fields.warmupSteps ?? 0
        warmupLearningRate = fields.warmupLearningRate ?? 0
        batchSize = fields.batchSize ?? 64
        dataset = fields.data?.name ?? "fashion-mnist"
        self.settings = settings.filter { $0.key != "seed" }
    }

    /// The configuration's identity: every setting, sorted by path, as one line of text.
    public var key: String {
        settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    /// Whether the network has residual blocks.
    public var isResidual: Bool { model.model.isResidual }

    /// Whether the network is residual with every residual scale 1, none learned, and its branches' last
    /// convolutions at their plain initialisation and learning rate (no scaling before the addition, nor its
    /// reparametrisation).
    public var isUnscaledResidual: Bool {
        guard let s = model.residualScales, !model.residualScaleMode.isLearned, model.residualBranchInitScale == 1,
              model.residualBranchLearningRateMultiplier == 1 else { return false }
        return s.a == 1 && s.b == 1 && s.c == 1
    }

    /// The residual scales as text: `1` or `0.2` when the three stages share a scale, `0.17/0.1/0.2` otherwise,
    /// followed by the learned scales (`, layerscale from 0.1`, `, rezero from 0`) and the reparametrised branch
    /// (`, branch init ×0.1 rate ×0.1`) when set; `-` for a network without residual blocks.
    public var scalesText: String {
        guard let s = model.residualScales else { return "-" }
        var text = s.a == s.b && s.b == s.c ? "\(s.a)" : "\(s.a)/\(s.b)/\(s.c)"
        if model.residualScaleMode.isLearned {
            text += ", \(model.residualScaleMode.rawValue) from \(model.residualScaleInit ?? 0)"
        }
        if model.residualBranchInitScale != 1 || model.residualBranchLearningRateMultiplier != 1 {
            text += ", branch init ×\(model.residualBranchInitScale) rate ×\(model.residualBranchLearningRateMultiplier)"
        }
        return text
    }

    /// The remedies against instability this configuration applies beyond residual scaling: `extra BatchNorm`
    /// and `warm-up N steps at LR`, joined by `; `, or `none` (a lower learning rate shows in the `lr` column
    /// next to it).
    public var remedyText: String {
        let remedies = (model.prePoolBatchNorm ? ["extra BatchNorm"] : [])
            + (warmupSteps > 0 ? ["warm-up \(warmupSteps) steps at \(warmupLearningRate)"] : [])
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

    /// The subset of `TrainingConfig` a report reads.
    private struct Fields: Decodable {
        struct DataFields: Decodable { var name: String? }
        var model: ModelConfig
        var learningRate: Double?
        var warmupSteps: Int?
        var warmupLearningRate: Double?
        var batchSize: Int?
        var data: DataFields?
    }
}
