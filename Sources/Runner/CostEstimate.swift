import Foundation
import Models
import Reports
import ResultsStore
import RunContract

/// Compute and wall-time estimates for planned runs: the one estimate `plan` and `status` give.
///
/// Compute counts multiply-adds (MACs, convolutions and the classifier, `Model.macs`): a training image costs
/// three passes' worth (forward and backward), an evaluated image one (the validation images of every evaluation,
/// the batches of its BatchNorm recomputation, and the test images once). Wall time divides that by a rate: the
/// training throughput (`images_per_second`) that runs logged in the results database, converted to MACs per
/// second with the MACs of the networks that ran: from the runs of the same model and width that computed as the
/// estimated run will (`ComputeSetting`: processor, library, threads), else from those with the same library and
/// threads on another processor, else from those on the same processor and library with fewer threads (a run's
/// time with more threads is at most about its time with fewer), else from every run of that model and width,
/// else from the runs of other models at that width (the same setting first; the convolutions' shapes, and so their
/// rate, follow the width more than the model), else `defaultMACsPerSecond`. Each run counts with the median of
/// its logged intervals, so an interval stretched by a pause (a stopped process, a suspended machine) does not
/// move it.
public struct CostEstimate {
    /// The rate assumed when the database has no measurement: 13 GMAC/s, what inception-resnet-v2-paper at width
    /// 0.125 (19.6 M MACs per image, about 230 training images per second, ×3 for forward and backward) reaches
    /// with 2 OpenBLAS threads on this project's reference machine (AMD EPYC, 2 vCPUs).
    public static let defaultMACsPerSecond = 13e9

    /// Where an estimate's rate comes from.
    public enum RateSource: String, CaseIterable, Sendable {
        /// Runs of the same model and width that computed with the same processor, library and threads.
        case sameSetting = "same model, width and setting"
        /// Runs of the same model and width with the same library and threads, on another processor (or one
        /// recorded by its name alone), none on the estimated run's.
        case otherProcessor = "same library and threads, another processor as recorded"
        /// Runs of the same model and width on the same processor and library with fewer threads (the most of
        /// them that ran), none of the estimated run's setting on any processor: about an upper bound.
        case fewerThreads = "same processor and library, fewer threads"
        /// Runs of the same model and width, whatever their library and threads (none with the estimated run's).
        case anySetting = "other settings"
        /// No run of the model and width logged a throughput; runs of other models at that width did (with the
        /// estimated run's setting if any did, else with any).
        case otherModels = "other models at that width"
        /// No run of that width logged a throughput: `defaultMACsPerSecond`.
        case assumed = "assumed"
    }

    /// One run's estimate. A `Sendable` value.
    public struct Estimate: Sendable {
        /// MACs of one forward pass of one image.
        public var macsPerImage: Int
        /// MACs of the remaining training and evaluation.
        public var macs: Double
        /// Estimated wall-clock seconds for them.
        public var seconds: Double
        /// The training MACs per second the seconds assume.
        public var macsPerSecond: Double
        /// Where that rate comes from.
        public var source: RateSource
    }

    /// Measured training MACs per second (three passes' worth per image), by `model@width@setting`,
    /// `model@width@library@threads`, `model@width`, `*@width@setting` and `*@width` (`keys`): the mean over the runs
    /// of each, a run counting with the median of its logged images per second times its own network's MACs per image.
    /// A rate, not images per second, so that a network of the same model and width with more blocks is timed by its
    /// own cost.
    private let rates: [String: Double]
    private var macsCache: [ModelConfig: Int] = [:]

    /// Estimates from the throughput every run in the database `reader` reads logged (nil: no database).
    public init(reader: ResultsReader?) throws {
        let rows = try reader?.query("""
            SELECT r.id, r.config_json ->> '$.model', m.value, e.cpu_model, e.blas_config, e.threads
            FROM metrics AS m JOIN runs AS r ON r.id = m.run_id LEFT JOIN environments AS e ON e.run_id = r.id
            WHERE m.name = '\(Metric.imagesPerSecond)' ORDER BY r.id
            """).rows ?? []
        var cache: [ModelConfig: Int] = [:]
        var rates: [String: [Double]] = [:]
        for (_, run) in Dictionary(grouping: rows, by: { $0[0].int! }).sorted(by: { $0.key < $1.key }) {
            guard let json = run[0][1].string,
                  let imagesPerSecond = Aggregation.median(run.compactMap { $0[2].double }),
                  let model = try? JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8)) else { continue }
            let macs = try cache[model] ?? Model(model, seed: 0).macs
            cache[model] = macs
            let rate = imagesPerSecond * 3 * Double(macs)
            let setting = ComputeSetting(recorded: run[0][3...5])
            for (_, key) in Self.keys(model, setting) { rates[key, default: []].append(rate) }
        }
        self.rates = rates.mapValues { $0.reduce(0, +) / Double($0.count) }
        macsCache = cache
    }

    /// The keys a run of `model` computed with `setting` counts under, most specific first, each with the source
    /// an estimate drawing on it has; without a setting, only the keys of any setting.
    private static func keys(_ model: ModelConfig, _ setting: ComputeSetting?) -> [(RateSource, String)] {
        let (name, width) = (model.model.rawValue, "@\(model.width)")
        let anyProcessor = setting.map { "@\($0.library)@\($0.threads)" }
        return [setting.map { (.sameSetting, key(model, $0)) },
                anyProcessor.map { (.otherProcessor, name + width + $0) }, (.anySetting, name + width),
                setting.map { (.otherModels, "*" + width + "@\($0)") }, (.otherModels, "*" + width)].compactMap { $0 }
    }

    /// The key of the runs of `model` computed with `setting`.
    private static func key(_ model: ModelConfig, _ setting: ComputeSetting) -> String {
        "\(model.model.rawValue)@\(model.width)@\(setting)"
    }

    /// The keys an estimate for `model` computed with `setting` looks up, in order: those such a run counts under
    /// (`keys`), with the same processor and library at fewer threads, most first, before any setting's.
    private static func lookupKeys(_ model: ModelConfig, _ setting: ComputeSetting?) -> [(RateSource, String)] {
        var keys = keys(model, setting)
        guard let setting, setting.threads > 1 else { return keys }
        let fewer = (1..<setting.threads).reversed().map { threads in
            (RateSource.fewerThreads, key(model, ComputeSetting(processor: setting.processor, library: setting.library,
                                                                 threads: threads)))
        }
        keys.insert(contentsOf: fewer, at: keys.firstIndex { $0.0 == .anySetting }!)
        return keys
    }

    /// MACs of one forward pass of one image through the model of `config`.
    public mutating func macsPerImage(_ config: ModelConfig) throws -> Int {
        if let macs = macsCache[config] { return macs }
        let macs = try Model(config, seed: 0).macs
        macsCache[config] = macs
        return macs
    }

    /// The training MACs per second of `config`'s model and width computed with `setting` (nil: unknown), and
    /// where it comes from.
    public func macsPerSecond(_ config: ModelConfig, setting: ComputeSetting?) -> (Double, RateSource) {
        for (source, key) in Self.lookupKeys(config, setting) {
            if let rate = rates[key] { return (rate, source) }
        }
        return (Self.defaultMACsPerSecond, .assumed)
    }

    /// The cost of `run` from step `fromStep` to its end (evaluations included, in proportion), computed with
    /// `setting` (nil: unknown).
    public mutating func estimate(_ run: PlannedRun, fromStep: Int = 0, setting: ComputeSetting? = nil) throws
        -> Estimate {
        let macs = Double(try macsPerImage(run.config.model))
        let remaining = Double(max(0, run.totalSteps - fromStep)) / Double(max(1, run.totalSteps))
        let trainingImages = remaining * Double(run.totalSteps * run.config.batchSize)
        // Each evaluation also runs its BatchNorm recomputation's training batches forward, when it has one.
        let recomputed = (run.config.batchNormRecomputeBatches ?? 0) * run.config.batchSize
        let evaluatedImages = remaining * Double(run.evaluations * (run.validationImages + recomputed) + run.testImages)
        let total = macs * (3 * trainingImages + evaluatedImages)
        let (rate, source) = macsPerSecond(run.config.model, setting: setting)
        return Estimate(macsPerImage: Int(macs), macs: total, seconds: total / rate, macsPerSecond: rate,
                        source: source)
    }

    /// Wall time of runs lasting `seconds` on `workers` parallel workers: each run, longest first, goes to the
    /// worker that frees up first (the runner claims queued runs in order, so this is an estimate, not a schedule).
    public static func wallTime(_ seconds: [Double], workers: Int) -> Double {
        var load = [Double](repeating: 0, count: max(1, workers))
        for s in seconds.sorted(by: >) { load[load.indices.min { load[$0] < load[$1] }!] += s }
        return load.max()!
    }
}
