/// What a run's time per step depends on besides its network and batch: the processor, the library that ran its
/// convolutions and matrix products (with the build or instruction set it chose) and its threads. Times are
/// compared only between runs of one setting. A `Sendable` value.
public struct ComputeSetting: Hashable, Sendable, CustomStringConvertible {
    /// The processor (`RunEnvironment.cpuModel`: `AMD EPYC (family 25, model 17)`; runs recorded before the family
    /// and model were, the name alone).
    public var processor: String
    /// The backend's library (`RunEnvironment.blasConfig`: `oneDNN 2.6.3 isa=avx512_core_bf16 threading=OpenMP`).
    public var library: String
    /// The threads of the computation.
    public var threads: Int

    /// A setting; see the properties.
    public init(processor: String, library: String, threads: Int) {
        self.processor = processor
        self.library = library
        self.threads = threads
    }

    /// The setting an `environments` row records in its `cpu_model`, `blas_config` and `threads` columns, selected
    /// in that order; nil when they are NULL (a run without a row, through a LEFT JOIN).
    public init?(recorded columns: ArraySlice<SQLValue>) {
        let values = Array(columns)
        guard values.count == 3, let processor = values[0].string, let library = values[1].string,
              let threads = values[2].int else { return nil }
        self.init(processor: processor, library: library, threads: threads)
    }

    /// `AMD EPYC (family 25, model 17), oneDNN 2.6.3 isa=avx512_core_bf16 threading=OpenMP, 1 thread`.
    public var description: String { "\(processor), \(library), \(Self.describe(threads: threads))" }

    /// `1 thread` or `N threads`.
    public static func describe(threads: Int) -> String { threads == 1 ? "1 thread" : "\(threads) threads" }
}

extension RunEnvironment {
    /// The setting this environment computed with.
    public var setting: ComputeSetting { ComputeSetting(processor: cpuModel, library: blasConfig, threads: threads) }
}
