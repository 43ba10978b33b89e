import Foundation
import Models
import ResultsStore

/// Compute and wall-time estimates for planned runs.
///
/// Compute counts multiply-adds (MACs, convolutions and the classifier, `Model.macs`): a training image costs
/// three passes' worth (forward and backward), an evaluated image one. Wall time divides that by a rate: the
/// training throughput (images per second) measured by finished runs of the same model and width in the results
/// database, converted to MACs per second with the MACs of the networks that ran, or else `defaultMACsPerSecond`.
public struct CostEstimate {
    /// The rate assumed when the database has no measurement: 13 GMAC/s, what inception-resnet-v2-paper at width
    /// 0.125 (19.6 M MACs per image, about 230 training images per second, ×3 for forward and backward) reaches
    /// with 2 OpenBLAS threads on this project's reference machine (AMD EPYC, 2 vCPUs).
    public static let defaultMACsPerSecond = 13e9

    /// One run's estimate. A `Sendable` value.
    public struct Estimate: Sendable {
        /// MACs of one forward pass of one image.
        public var macsPerImage: Int
        /// MACs of the remaining training and evaluation.
        public var macs: Double
        /// Estimated wall-clock seconds for them.
        public var seconds: Double
        /// Measured training MACs per second for this model and width, if the database had any.
        public var measuredMACsPerSecond: Double?
    }

    /// Measured training MACs per second (three passes' worth per image) of finished runs, by `model@width`:
    /// each distinct network of that model and width (its repeats, stem, input, …) converts its mean images per
    /// second with its own MACs per image, and the rates are averaged. A rate, not images per second, so that a
    /// network of the same model and width with more blocks is timed by its own cost.
    public let measured: [String: Double]
    private var macsCache: [ModelConfig: Int] = [:]

    /// Estimates from the throughput measured in the database `reader` reads (nil: no database).
    public init(reader: ResultsReader?) throws {
        let rows = try reader?.query("""
            SELECT r.config_json ->> '$.model', avg(m.value)
            FROM metrics AS m JOIN runs AS r ON r.id = m.run_id
            WHERE m.name = 'images_per_second' AND r.status = 'finished' GROUP BY 1 ORDER BY 1
            """).rows ?? []
        var rates: [String: [Double]] = [:], cache: [ModelConfig: Int] = [:]
        for row in rows {
            guard let json = row[0].string, let imagesPerSecond = row[1].double,
                  let model = try? JSONDecoder().decode(ModelConfig.self, from: Data(json.utf8)) else { continue }
            let macs = try cache[model] ?? Model(model, seed: 0).macs
            cache[model] = macs
            rates[Self.key(model: model.model.rawValue, width: model.width), default: []]
                .append(imagesPerSecond * 3 * Double(macs))
        }
        measured = rates.mapValues { $0.reduce(0, +) / Double($0.count) }
        macsCache = cache
    }

    static func key(model: String, width: Double) -> String { "\(model)@\(width)" }

    /// MACs of one forward pass of one image through the model of `config`.
    public mutating func macsPerImage(_ config: ModelConfig) throws -> Int {
        if let macs = macsCache[config] { return macs }
        let macs = try Model(config, seed: 0).macs
        macsCache[config] = macs
        return macs
    }

    /// Measured training MACs per second for `config`'s model and width, if any.
    public func macsPerSecond(_ config: ModelConfig) -> Double? {
        measured[Self.key(model: config.model.rawValue, width: config.width)]
    }

    /// The cost of `run` from step `fromStep` to its end (evaluations included, in proportion).
    public mutating func estimate(_ run: PlannedRun, fromStep: Int = 0) throws -> Estimate {
        let macs = Double(try macsPerImage(run.config.model))
        let remaining = Double(max(0, run.totalSteps - fromStep)) / Double(max(1, run.totalSteps))
        let trainingImages = remaining * Double(run.totalSteps * run.config.batchSize)
        let evaluatedImages = remaining * Double(run.evaluations * run.validationImages + run.testImages)
        let total = macs * (3 * trainingImages + evaluatedImages)
        let measured = macsPerSecond(run.config.model)
        return Estimate(macsPerImage: Int(macs), macs: total, seconds: total / (measured ?? Self.defaultMACsPerSecond),
                        measuredMACsPerSecond: measured)
    }

    /// Wall time of runs lasting `seconds` on `workers` parallel workers: each run, longest first, goes to the
    /// worker that frees up first (the runner claims queued runs in order, so this is an estimate, not a schedule).
    public static func wallTime(_ seconds: [Double], workers: Int) -> Double {
        var load = [Double](repeating: 0, count: max(1, workers))
        for s in seconds.sorted(by: >) { load[load.indices.min { load[$0] < load[$1] }!] += s }
        return load.max()!
    }
}
