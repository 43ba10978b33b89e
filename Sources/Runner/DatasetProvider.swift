import Datasets
import RunContract

/// Loads each dataset a sweep uses once and hands out the loaded copy afterwards (Fashion-MNIST takes about a
/// second to decompress). Tests may substitute their own data for a dataset name.
///
/// Threading: not `Sendable`; one provider per thread or process.
public final class DatasetProvider {
    private var loaded: [String: LoadedDataset]

    /// A provider that uses `substitutes` (by dataset name, e.g. a small `synthetic` set) instead of loading.
    public init(substitutes: [String: LoadedDataset] = [:]) {
        loaded = substitutes
    }

    /// The dataset called `name` (see `DatasetSpec.names`) in `directory`, loaded on first use.
    public func dataset(named name: String, directory: String?) throws -> LoadedDataset {
        if let data = loaded[name] ?? loaded["\(name)@\(directory ?? "")"] { return data }
        let data = try DatasetSpec(name: name, directory: directory).load()
        loaded["\(name)@\(directory ?? "")"] = data
        return data
    }

    /// The dataset a configuration trains on.
    public func dataset(for data: TrainingConfig.Data) throws -> LoadedDataset {
        try dataset(named: data.name, directory: data.directory)
    }
}
