import Engine
import Foundation
import Models

/// Weights in timm's names and layouts: loads a timm state dict saved as safetensors (such as the
/// `model.safetensors` of `timm/inception_v4.tf_in1k` or `timm/inception_resnet_v2.tf_in1k` on the Hugging Face
/// hub) into one of our networks, and exports ours so that timm loads it with `load_state_dict(strict=True)`.
///
/// Layouts: timm's convolution kernels are OIHW `[cout, cin, kh, kw]` where ours are HWIO `[kh, kw, cin, cout]`,
/// and its linear weight is `[out, in]` where ours is `[in, out]`; vectors are the same. timm's BatchNorm layers
/// also hold an Int64 `num_batches_tracked`, which loading ignores and export writes as 0.
public struct TimmWeights {
    private let naming: TimmNaming

    /// The timm network that is `config`: `inception-v4` or `inception-resnet-v2` at width 1 with the paper stem,
    /// the published repeats and (for the residual network) timm's fixed residual scales 0.17, 0.10, 0.20 (learned
    /// scales folded away first: `Model.foldingLearnedScales()`). Input size, input channels and classes are free
    /// (timm's `in_chans` and `num_classes`).
    public init(for config: ModelConfig) throws(WeightsError) {
        guard let naming = TimmNaming(config.model) else { throw .noTimmPort(config.model) }
        let timm = naming.config
        func require<T: Equatable & CustomStringConvertible>(_ field: String, _ ours: T, _ theirs: T)
            throws(WeightsError) {
            guard ours == theirs else {
                throw .configurationDiffers(timmModel: naming.model, field: field, timm: theirs.description,
                                            ours: ours.description)
            }
        }
        try require("width", config.width, timm.width)
        try require("stem", config.stem.rawValue, timm.stem.rawValue)
        try require("repeats", config.repeats, timm.repeats)
        try require("residual scales", config.residualScales?.description ?? "none",
                    timm.residualScales?.description ?? "none")
        try require("residual scale mode", config.residualScaleMode, timm.residualScaleMode)
        self.naming = naming
    }

    /// timm's name of the network (`timm.create_model(timmModel, num_classes=…, in_chans=…)`).
    public var timmModel: String { naming.model }

    /// The crop fraction of timm's evaluation transform for this network's published weights (`crop_pct`: 0.875
    /// for `inception_v4`, 0.8975 for `inception_resnet_v2`).
    public var cropFraction: Double { naming.cropFraction }

    /// timm's name of the tensor at our dotted path (`inception_a1.branch1.0.conv.weight` →
    /// `features.6.branch1.0.conv.weight`).
    public func timmName(_ path: String) -> String { naming.timmName(path) }

    /// The model's parameters and BatchNorm statistics under timm's names, in timm's layouts, as Float32, with
    /// a zero `num_batches_tracked` per BatchNorm layer.
    public func stateDict(of model: Model) -> SafeTensors {
        var file = SafeTensors()
        for (path, p) in model.network.namedParameters {
            let name = timmName(path)
            let (shape, order) = Self.timmLayout(of: p.dimensions)
            file.tensors[name] = .init(shape: shape, floats: Self.transpose(Array(p.value), p.dimensions, order))
            if path.hasSuffix(".bn.moving_mean") {
                let counter = name.replacingOccurrences(of: ".running_mean", with: ".num_batches_tracked")
                file.tensors[counter] = .init(shape: [], integers: [0])
            }
        }
        file.metadata = ["format": "pt", "timm_model": timmModel, "num_classes": String(model.config.classes),
                         "in_chans": String(model.config.inputChannels)]
        return file
    }

    /// Copies the tensors of `file` (read from `path`) into `model`. Every parameter and BatchNorm statistic of
    /// the model must be in the file under its timm name with timm's shape, and the file may hold nothing else
    /// but `num_batches_tracked` counters; the first difference, in the network's order, is the error.
    public func load(_ file: SafeTensors, into model: Model, path: String) throws(WeightsError) {
        var expected = Set<String>()
        for (ourPath, p) in model.network.namedParameters {
            let name = timmName(ourPath)
            expected.insert(name)
            guard let tensor = file.tensors[name] else {
                throw .missingTensor(file: path, timmModel: timmModel, name: name)
            }
            let (shape, order) = Self.timmLayout(of: p.dimensions)
            guard tensor.shape == shape else {
                throw .shapeMismatch(file: path, name: name, expected: shape, found: tensor.shape,
                                     model: "\(timmModel) with \(model.config.inputChannels) input channels and "
                                            + "\(model.config.classes) classes")
            }
            _ = p.value.update(fromContentsOf: Self.transpose(tensor.floats, shape, Self.inverse(order)))
        }
        let extra = file.tensors.keys.filter { !expected.contains($0) && !$0.hasSuffix(".num_batches_tracked") }
        if let first = extra.sorted().first {
            throw .unexpectedTensor(file: path, timmModel: timmModel, name: first, count: extra.count)
        }
    }

    /// Reads the safetensors file at `url` into `model` (see `load(_:into:path:)`).
    public func load(from url: URL, into model: Model) throws(WeightsError) {
        let file: SafeTensors
        do { file = try SafeTensors.read(from: url) } catch { throw .file(error) }
        try load(file, into: model, path: url.path)
    }

    /// Writes `model`'s weights to `url` as a timm state dict (see `stateDict(of:)`).
    public func export(_ model: Model, to url: URL) throws(WeightsError) {
        do { try stateDict(of: model).write(to: url) } catch { throw .file(error) }
    }

    // MARK: - Layouts

    /// timm's shape for one of our parameter shapes, and the axis order that takes ours to it (result axis `k`
    /// is our axis `order[k]`): HWIO → OIHW for kernels, a transpose for the linear weight, nothing for vectors.
    private static func timmLayout(of dimensions: [Int]) -> (shape: [Int], order: [Int]) {
        let order = switch dimensions.count {
        case 4: [3, 2, 0, 1]
        case 2: [1, 0]
        default: Array(dimensions.indices)
        }
        return (order.map { dimensions[$0] }, order)
    }

    /// The axis order that undoes `order`.
    private static func inverse(_ order: [Int]) -> [Int] {
        var inverse = order
        for (k, axis) in order.enumerated() { inverse[axis] = k }
        return inverse
    }

    /// `values`, row-major with dimensions `shape`, with the axes reordered: axis `k` of the result is axis
    /// `order[k]` of the input.
    static func transpose(_ values: [Float], _ shape: [Int], _ order: [Int]) -> [Float] {
        guard order != Array(order.indices) else { return values }
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in shape.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        let outShape = order.map { shape[$0] }, outStrides = order.map { strides[$0] }
        var result = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)   // position in the result, last axis fastest
        var source = 0
        for i in result.indices {
            result[i] = values[source]
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                source += outStrides[axis]
                if index[axis] < outShape[axis] { break }
                source -= outStrides[axis] * outShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}

/// Why weights could not be loaded or exported.
public enum WeightsError: Error, CustomStringConvertible {
    case noTimmPort(ModelName)
    case configurationDiffers(timmModel: String, field: String, timm: String, ours: String)
    case file(SafeTensorsError)
    case missingTensor(file: String, timmModel: String, name: String)
    case shapeMismatch(file: String, name: String, expected: [Int], found: [Int], model: String)
    case unexpectedTensor(file: String, timmModel: String, name: String, count: Int)

    public var description: String {
        switch self {
        case .noTimmPort(let model):
            "timm's Inception weights exist for inception-v4 (timm's inception_v4) and inception-resnet-v2 "
                + "(inception_resnet_v2); \(model) has no timm counterpart here"
        case .configurationDiffers(let timmModel, let field, let timm, let ours):
            "timm's \(timmModel) has \(field) \(timm), this model \(ours): build it with the published settings "
                + "(the defaults of `inception-lab summary`)"
        case .file(let error): error.description
        case .missingTensor(let file, let timmModel, let name):
            "\(file) has no tensor \(name): it is not a state dict of timm's \(timmModel)"
        case .shapeMismatch(let file, let name, let expected, let found, let model):
            "\(file): tensor \(name) has shape \(found), but \(model) needs \(expected): check --classes and "
                + "--channels against the file"
        case .unexpectedTensor(let file, let timmModel, let name, let count):
            "\(file) holds \(count) tensor(s) that timm's \(timmModel) does not have, the first (by name) \(name): "
                + "it is a state dict of another network"
        }
    }
}
