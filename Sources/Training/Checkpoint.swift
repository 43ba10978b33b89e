import Engine
import Foundation

/// A training checkpoint: a `SafeTensors` file (readable by PyTorch's `safetensors.torch.load_file`) holding the
/// model's parameters and BatchNorm statistics under their layer paths (`stem.0.conv.weight`, `….bn.moving_mean`)
/// as Float32, the optimizer's slots under `optimizer.<index>.<slot>`, and the trainer's position, generator
/// states and configuration in the string metadata. Written atomically (see `SafeTensors.write(to:)`).
public struct Checkpoint {
    /// The tensors and metadata of the file.
    public var contents = SafeTensors()

    public init() {}

    /// String metadata (`__metadata__`).
    public var metadata: [String: String] {
        get { contents.metadata }
        set { contents.metadata = newValue }
    }

    /// Copies the values of `parameters` into the checkpoint under their names.
    public mutating func store(_ parameters: [(name: String, parameter: Parameter)]) {
        for (name, p) in parameters { contents.tensors[name] = .init(shape: p.dimensions, floats: Array(p.value)) }
    }

    /// Copies the checkpoint's values into `parameters`; every parameter must be present with its dimensions.
    public func restore(_ parameters: [(name: String, parameter: Parameter)], file: String) throws(CheckpointError) {
        for (name, p) in parameters {
            guard let t = contents.tensors[name] else { throw .missingTensor(file: file, name: name) }
            guard t.shape == p.dimensions else {
                throw .shapeMismatch(file: file, name: name, expected: p.dimensions, found: t.shape)
            }
            _ = p.value.update(fromContentsOf: t.floats)
        }
    }

    /// Writes the checkpoint atomically to `url`.
    public func write(to url: URL) throws(CheckpointError) {
        do { try contents.write(to: url) } catch { throw .unwritable(file: url.path) }
    }

    /// Reads a checkpoint written by `write(to:)` (or any safetensors file).
    public static func read(from url: URL) throws(CheckpointError) -> Checkpoint {
        var checkpoint = Checkpoint()
        do {
            checkpoint.contents = try SafeTensors.read(from: url)
        } catch {
            switch error {
            case .corrupt(let file, let reason): throw .corrupt(file: file, reason: reason)
            case .unreadable(let file), .unwritable(let file): throw .unreadable(file: file)
            }
        }
        return checkpoint
    }
}

/// Why a checkpoint could not be read or applied.
public enum CheckpointError: Error, CustomStringConvertible {
    case unreadable(file: String)
    case unwritable(file: String)
    case corrupt(file: String, reason: String)
    case missingTensor(file: String, name: String)
    case shapeMismatch(file: String, name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .unreadable(let file): "cannot read checkpoint \(file)"
        case .unwritable(let file):
            "cannot create checkpoint file \(file): check the directory's permissions and free space"
        case .corrupt(let file, let reason):
            "checkpoint \(file) is corrupt: \(reason); delete it to restart the run from the beginning"
        case .missingTensor(let file, let name):
            "checkpoint \(file) has no tensor \(name): it was written by a different model configuration"
        case .shapeMismatch(let file, let name, let expected, let found):
            "checkpoint \(file): tensor \(name) has shape \(found), the model expects \(expected): "
                + "it was written by a different model configuration"
        }
    }
}
