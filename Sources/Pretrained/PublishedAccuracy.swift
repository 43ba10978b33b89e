import Models

/// A published single-crop ImageNet validation result, to print next to a measured one.
public struct PublishedAccuracy: Sendable {
    /// Who measured it and how (`paper, Table 2`).
    public let source: String
    /// Top-1 and top-5 error, in percent.
    public let top1Error, top5Error: Double
    /// What differs from a plain evaluation of the 50,000 validation images.
    public let note: String

    /// The published figures for `model`: the paper's Table 2 (single crop, single model) and timm's evaluation
    /// of the weights it ships (`results/results-imagenet.csv` of pytorch-image-models).
    public static func figures(for model: ModelName) -> [PublishedAccuracy] {
        let paper = "paper, Table 2 (single crop, single model)"
        let paperNote = "non-blacklisted subset of the validation set (about 1,700 images left out)"
        switch model {
        case .inceptionV3:
            return [PublishedAccuracy(source: paper, top1Error: 21.2, top5Error: 5.6, note: paperNote)]
        case .inceptionResNetV1:
            return [PublishedAccuracy(source: paper, top1Error: 21.3, top5Error: 5.5, note: paperNote)]
        case .inceptionV4:
            return [PublishedAccuracy(source: paper, top1Error: 20.0, top5Error: 5.0, note: paperNote),
                    PublishedAccuracy(source: "timm inception_v4.tf_in1k", top1Error: 19.844, top5Error: 5.032,
                                      note: "all 50,000 images, crop fraction 0.875, bicubic")]
        case .inceptionResNetV2:
            return [PublishedAccuracy(source: paper, top1Error: 19.9, top5Error: 4.9, note: paperNote),
                    PublishedAccuracy(source: "timm inception_resnet_v2.tf_in1k", top1Error: 19.538, top5Error: 4.692,
                                      note: "all 50,000 images, crop fraction 0.8975, bicubic")]
        case .inceptionResNetV2Paper:
            return [PublishedAccuracy(source: paper, top1Error: 19.9, top5Error: 4.9, note: paperNote)]
        }
    }
}
