import Models

/// How timm names the tensors of a network this project also builds, and which of our configurations timm's
/// network is.
///
/// timm's `inception_v4` and `inception_resnet_v2` are ports of TF-slim's networks, layer for layer the
/// `inception-v4` and `inception-resnet-v2` of docs/models.md#the-networks (same widths, BatchNorm eps 0.001, average
/// pools that exclude padding, the same concatenation order). Only the names differ, and they differ by prefix: our
/// path `inception_a1.branch1.0.conv.weight` is timm's `features.6.branch1.0.conv.weight`. A naming is a list of
/// prefix renames; the first that matches a path replaces its prefix, and its inner renames apply to the rest.
/// The last path component is then renamed the PyTorch way (`gamma` → `weight`, `beta` → `bias`,
/// `moving_mean` → `running_mean`, `moving_variance` → `running_var`).
struct TimmNaming {
    /// timm's model name (`timm.create_model(name)`).
    let model: String
    /// The configuration timm's network has, up to input size, input channels and classes (timm's `in_chans` and
    /// `num_classes` arguments; timm's global pool takes any input size).
    let config: ModelConfig
    /// timm's `crop_pct` for the published weights (its evaluation transform keeps this fraction of the resized
    /// image's shorter side).
    let cropFraction: Double
    let renames: [Rename]

    struct Rename {
        let prefix: String
        let replacement: String
        var inner: [Rename] = []
    }

    /// The naming of `model`, or nil when timm has no port of it.
    init?(_ model: ModelName) {
        switch model {
        case .inceptionV4: self = Self.inceptionV4
        case .inceptionResNetV2: self = Self.inceptionResNetV2
        default: return nil
        }
    }

    private init(model: String, config: ModelConfig, cropFraction: Double, renames: [Rename]) {
        self.model = model
        self.config = config
        self.cropFraction = cropFraction
        self.renames = renames
    }

    /// timm's name of the tensor at our dotted `path` (a path this naming does not cover is kept as it is, and
    /// then matches nothing in a timm file).
    func timmName(_ path: String) -> String {
        let renamed = Self.apply(renames, to: path) ?? path
        guard let dot = renamed.lastIndex(of: ".") else { return renamed }
        let leaf = String(renamed[renamed.index(after: dot)...])
        return renamed[...dot] + (Self.leafNames[leaf] ?? leaf)
    }

    private static let leafNames = [
        "gamma": "weight", "beta": "bias", "moving_mean": "running_mean", "moving_variance": "running_var",
    ]

    private static func apply(_ renames: [Rename], to path: String) -> String? {
        for r in renames where path.hasPrefix(r.prefix) {
            let rest = String(path.dropFirst(r.prefix.count))
            return r.replacement + (apply(r.inner, to: rest) ?? rest)
        }
        return nil
    }

    /// timm's `inception_v4`: one `features` sequence, numbered through the stem (0–5), Inception-A (6–9),
    /// Reduction-A (10), Inception-B (11–17), Reduction-B (18) and Inception-C (19–21); the classifier is
    /// `last_linear`. timm's stem mixes hold their one convolution as `conv`, and its Inception-C names the
    /// split branches `branch1_1a`, `branch2_3b`, … instead of nesting them.
    static let inceptionV4: TimmNaming = {
        let config = ModelConfig(model: .inceptionV4)
        let r = config.repeats
        let inceptionC = [
            Rename(prefix: "branch1.0.", replacement: "branch1_0."),
            Rename(prefix: "branch1.1.branch0.", replacement: "branch1_1a."),
            Rename(prefix: "branch1.1.branch1.", replacement: "branch1_1b."),
            Rename(prefix: "branch2.0.", replacement: "branch2_0."),
            Rename(prefix: "branch2.1.", replacement: "branch2_1."),
            Rename(prefix: "branch2.2.", replacement: "branch2_2."),
            Rename(prefix: "branch2.3.branch0.", replacement: "branch2_3a."),
            Rename(prefix: "branch2.3.branch1.", replacement: "branch2_3b."),
        ]
        var renames = [
            Rename(prefix: "stem.3.branch1.", replacement: "features.3.conv."),
            Rename(prefix: "stem.5.branch0.", replacement: "features.5.conv."),
            Rename(prefix: "stem.", replacement: "features."),
        ]
        var index = 6
        func next(_ block: String, inner: [Rename] = []) {
            renames.append(Rename(prefix: block + ".", replacement: "features.\(index).", inner: inner))
            index += 1
        }
        for i in 1...r.a { next("inception_a\(i)") }
        next("reduction_a")
        for i in 1...r.b { next("inception_b\(i)") }
        next("reduction_b")
        for i in 1...r.c { next("inception_c\(i)", inner: inceptionC) }
        renames.append(Rename(prefix: "logits.", replacement: "last_linear."))
        return TimmNaming(model: "inception_v4", config: config, cropFraction: 0.875, renames: renames)
    }()

    /// timm's `inception_resnet_v2` (TF-slim's names in lower case): stem `conv2d_1a` … `conv2d_4a`, `mixed_5b`,
    /// the blocks in `repeat`, `repeat_1`, `repeat_2` and the last one as `block8`, the reductions `mixed_6a`
    /// and `mixed_7a`, then `conv2d_7b` and the classifier `classif`. A residual block's branches sit directly
    /// in the block (ours under `branch`), and its expansion `L` is `conv2d` (ours `expand`).
    static let inceptionResNetV2: TimmNaming = {
        let config = ModelConfig(model: .inceptionResNetV2)
        let r = config.repeats
        let residual = [Rename(prefix: "branch.", replacement: ""), Rename(prefix: "expand.", replacement: "conv2d.")]
        func blocks(_ name: String, _ count: Int, _ sequence: String) -> [Rename] {
            (1...count).map { Rename(prefix: "\(name)\($0).", replacement: "\(sequence).\($0 - 1).", inner: residual) }
        }
        let renames = [
            Rename(prefix: "stem.0.", replacement: "conv2d_1a."),
            Rename(prefix: "stem.1.", replacement: "conv2d_2a."),
            Rename(prefix: "stem.2.", replacement: "conv2d_2b."),
            Rename(prefix: "stem.4.", replacement: "conv2d_3b."),
            Rename(prefix: "stem.5.", replacement: "conv2d_4a."),
            Rename(prefix: "mixed_5b.", replacement: "mixed_5b."),
        ]
            + blocks("inception_a", r.a, "repeat")
            + [Rename(prefix: "reduction_a.", replacement: "mixed_6a.")]
            + blocks("inception_b", r.b, "repeat_1")
            + [Rename(prefix: "reduction_b.", replacement: "mixed_7a.")]
            // The C stage counts the final block (scale 1, no ReLU), which timm keeps apart as `block8`.
            + blocks("inception_c", r.c - 1, "repeat_2")
            + [Rename(prefix: "inception_c\(r.c).", replacement: "block8.", inner: residual),
               Rename(prefix: "final_conv.", replacement: "conv2d_7b."),
               Rename(prefix: "logits.", replacement: "classif.")]
        return TimmNaming(model: "inception_resnet_v2", config: config, cropFraction: 0.8975, renames: renames)
    }()
}
