import Foundation

/// Which dataset a run trains on, and where it comes from. `Codable` so that a run can record it.
///
/// `load()` reads the training and test splits. Directories may hold the files raw or gzip-compressed
/// (`name` or `name.gz`; the plain name wins if both exist):
/// - Fashion-MNIST and MNIST: `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
///   `t10k-labels-idx1-ubyte` (IDX format, 28×28×1, 10 classes);
/// - CIFAR-10: `data_batch_1.bin` … `data_batch_5.bin` (training) and `test_batch.bin` (binary version,
///   32×32×3, 10 classes).
public enum DatasetSpec: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Fashion-MNIST in IDX format; by default where Debian's `dataset-fashion-mnist` installs it.
    case fashionMNIST(directory: String = DatasetSpec.debianFashionMNISTDirectory)
    /// MNIST, or any dataset of 10 classes in the same four IDX files, in `directory`.
    case mnist(directory: String)
    /// CIFAR-10's binary version in `directory`.
    case cifar10(directory: String)
    /// A generated dataset (see `SyntheticDataset`).
    case synthetic(SyntheticDataset)

    /// Where Debian's `dataset-fashion-mnist` package installs the files.
    public static let debianFashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// The names `init(name:directory:)` accepts: `fashion-mnist`, `mnist`, `cifar10`, `synthetic`.
    public static let names = ["fashion-mnist", "mnist", "cifar10", "synthetic"]

    /// Parses a command-line choice (`--dataset NAME [--data-dir DIR]`). `fashion-mnist` defaults to the Debian
    /// directory; `mnist` and `cifar10` require `directory`; `synthetic` uses `SyntheticDataset()` and ignores
    /// `directory`. Throws `unknownDataset` or `directoryRequired`.
    public init(name: String, directory: String? = nil) throws {
        switch (name, directory) {
        case ("fashion-mnist", let directory):
            self = .fashionMNIST(directory: directory ?? Self.debianFashionMNISTDirectory)
        case ("mnist", let directory?): self = .mnist(directory: directory)
        case ("cifar10", let directory?): self = .cifar10(directory: directory)
        case ("synthetic", _): self = .synthetic(SyntheticDataset())
        case ("mnist", nil), ("cifar10", nil): throw DatasetError.directoryRequired(dataset: name)
        default: throw DatasetError.unknownDataset(name: name)
        }
    }

    /// The dataset's name as `init(name:directory:)` accepts it.
    public var name: String {
        switch self {
        case .fashionMNIST: "fashion-mnist"
        case .mnist: "mnist"
        case .cifar10: "cifar10"
        case .synthetic: "synthetic"
        }
    }

    /// For example `fashion-mnist(/usr/share/datasets/fashion-mnist)`.
    public var description: String {
        switch self {
        case let .fashionMNIST(directory), let .mnist(directory), let .cifar10(directory): "\(name)(\(directory))"
        case let .synthetic(parameters): parameters.description
        }
    }

    /// The usual size of the validation split taken from the training set: 5,000 images for the file datasets,
    /// a tenth of the training images for a synthetic one.
    public var defaultValidationCount: Int {
        switch self {
        case .fashionMNIST, .mnist, .cifar10: 5_000
        case let .synthetic(parameters): parameters.trainCount / 10
        }
    }

    /// Reads (or generates) the training and test splits and their checksum. Throws a `DatasetError` naming the
    /// missing directory or files and how to get them, or what is wrong with a corrupt file.
    public func load() throws -> LoadedDataset {
        switch self {
        case let .fashionMNIST(directory):
            return try loadIDX(from: directory, hint: "Install it with `apt-get install dataset-fashion-mnist` "
                + "(Debian package; files in \(Self.debianFashionMNISTDirectory)), or pass --data-dir DIR holding "
                + "the four IDX files.")
        case let .mnist(directory):
            return try loadIDX(from: directory, hint: "Pass --data-dir DIR holding the four MNIST IDX files.")
        case let .cifar10(directory):
            let files = try locate((1...5).map { "data_batch_\($0).bin" } + ["test_batch.bin"], in: directory,
                                   hint: "Pass --data-dir DIR holding the CIFAR-10 binary version (the "
                                       + "cifar-10-batches-bin folder of cifar-10-binary.tar.gz).")
            return LoadedDataset(train: try CIFAR10Reader.read(Array(files[..<5])),
                                 test: try CIFAR10Reader.read([files[5]]))
        case let .synthetic(parameters):
            let (train, test) = try parameters.generate()
            return LoadedDataset(train: train, test: test)
        }
    }

    private func loadIDX(from directory: String, hint: String) throws -> LoadedDataset {
        let files = try locate(["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"], in: directory, hint: hint)
        return LoadedDataset(train: try IDXReader.read(images: files[0], labels: files[1], classCount: 10),
                             test: try IDXReader.read(images: files[2], labels: files[3], classCount: 10))
    }

    /// The paths of `names` in `directory` (see `DataFile.locate`), or an error listing every missing one
    /// with `hint`, how to obtain them.
    private func locate(_ names: [String], in directory: String, hint: String) throws -> [String] {
        let paths = names.map { DataFile.locate($0, in: directory) }
        let missing = zip(names, paths).filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw DatasetError.missingDirectory(dataset: name, directory: directory, hint: hint) }
            throw DatasetError.missingFiles(dataset: name, directory: directory, files: missing, hint: hint)
        }
        return paths.compactMap { $0 }
    }
}
