import Datasets
import Engine
import Foundation
import Models
import RunContract

/// Trains one configuration on one dataset: the loop, the schedule, evaluation, instability probes, divergence
/// and death detection, checkpoints and resume.
///
/// Metrics (all recorded by step, see `TrainingObserver`; names and units in `Metric`):
/// - every `logEvery` steps: the training loss and error, learning rate, gradient norm, step time, images/s,
///   epoch, and the probes of the pre-pool layer, of each stage's output (the residual stream in residual models)
///   and, with learned residual scales, of those scales;
/// - every `evaluateEvery` steps and at the end: `Metric.validation`;
/// - at the end of a finished run: `Metric.test`.
///
/// Determinism: the data order and augmentation are functions of (seed, epoch, position), the weights and dropout
/// masks of seeded generators, so a run resumed from a checkpoint records exactly the metrics (timings aside) of
/// one never interrupted.
public final class Trainer {
    public let config: TrainingConfig
    public let model: Model
    public let stepsPerEpoch: Int
    public let totalSteps: Int
    private let network: Network
    private let optimizer: any Optimizer
    private let schedule: LearningRateSchedule
    private var trainLoader: BatchLoader
    private let validation, test: BatchLoader
    /// The training split in order and unaugmented: the fixed batches `recomputeBatchNormStatistics` runs.
    private let statisticsBatches: BatchLoader
    /// The network's BatchNorm and Dropout layers, for `recomputeBatchNormStatistics`.
    private let batchNorms: [BatchNorm]
    private let dropouts: [Dropout]
    private let images: TensorView
    private var labels: [Int32]
    private let checkpointURL: URL?
    private let observer: any TrainingObserver
    private let stop: StopFlag?

    // Progress, saved in checkpoints.
    private var step = 0
    private var wallTime = 0.0
    private var deadStreakStart: Int?
    private var deadStreak = 0
    private var diedAtStep: Int?
    private var interval = Interval()

    /// Sums over the current logging interval, saved in checkpoints so that a run resumed mid-interval logs the
    /// same means as one never interrupted.
    private struct Interval {
        var steps = 0, seconds = 0.0, loss = 0.0, error = 0.0

        mutating func add(seconds: Double, loss: Double, error: Double) {
            steps += 1
            self.seconds += seconds
            self.loss += loss
            self.error += error
        }

        /// `steps,seconds,loss,error`, each exactly round-tripping.
        var text: String { "\(steps),\(seconds),\(loss),\(error)" }

        init() {}

        init?(text: String) {
            let parts = text.split(separator: ",")
            guard parts.count == 4, let s = Int(parts[0]), let t = Double(parts[1]), let l = Double(parts[2]),
                  let e = Double(parts[3]) else { return nil }
            (steps, seconds, loss, error) = (s, t, l, e)
        }
    }

    /// Prepares a run. The validation split is held out from `dataset.train` by a fixed seed, the same for every
    /// run, so runs compare on the same images; the test split is used only for the final numbers.
    public init(config: TrainingConfig, dataset: LoadedDataset, checkpoint: URL?, observer: any TrainingObserver,
                stop: StopFlag? = nil) throws {
        try config.validate()
        try config.validate(for: dataset)
        self.config = config
        self.checkpointURL = checkpoint
        self.observer = observer
        self.stop = stop
        let data = config.data
        let (training, held) = try dataset.train.split(
            validationCount: config.validationImages(outOf: dataset.train.count), seed: 0x5EED)
        let normalization: Normalization = switch data.normalization {
        case .standardized: .standardized(over: training)
        case .unit: .unitRange
        case .symmetric: .symmetricRange
        }
        let pre = Preprocessing(pad: data.pad, normalization: normalization, cropPadding: data.cropPadding,
                                horizontalFlip: data.flip)
        let shape = pre.outputShape(for: training)
        guard shape.height == config.model.inputSize, shape.width == config.model.inputSize,
              shape.channels == config.model.inputChannels, training.classCount == config.model.classes else {
            throw TrainingError.invalidSetting(
                field: "model input",
                expected: "a \(config.model.inputSize)×\(config.model.inputSize)×\(config.model.inputChannels) "
                    + "model with \(config.model.classes) classes to match the data, which is "
                    + "\(shape.height)×\(shape.width)×\(shape.channels) after padding \(data.pad) with "
                    + "\(training.classCount) classes: set --input \(shape.height) --channels \(shape.channels) "
                    + "--classes \(training.classCount)")
        }
        trainLoader = BatchLoader(imageSet: training, preprocessing: pre, batchSize: config.batchSize,
                                  mode: .training, seed: config.seed)
        validation = BatchLoader(imageSet: held, preprocessing: pre, batchSize: config.batchSize, mode: .evaluation)
        test = BatchLoader(imageSet: dataset.test, preprocessing: pre, batchSize: config.batchSize, mode: .evaluation)
        statisticsBatches = BatchLoader(imageSet: training, preprocessing: pre, batchSize: config.batchSize,
                                        mode: .evaluation)
        stepsPerEpoch = trainLoader.batchesPerEpoch
        totalSteps = config.budget.steps(perEpoch: stepsPerEpoch)

        model = try Model(config.model, seed: config.seed)
        network = model.network
        batchNorms = Self.layers(of: BatchNorm.self, in: model.root)
        dropouts = Self.layers(of: Dropout.self, in: model.root)
        switch config.optimizer {
        case .rmsprop:
            optimizer = RMSProp(parameters: network.parameters, decay: Float(config.rmspropDecay),
                                momentum: Float(config.momentum), epsilon: Float(config.rmspropEpsilon))
        case .sgd:
            optimizer = SGD(parameters: network.parameters, momentum: Float(config.momentum))
        }
        schedule = LearningRateSchedule(base: config.learningRate, decay: config.learningRateDecay,
                                        decayEpochs: config.learningRateDecayEpochs, stepsPerEpoch: stepsPerEpoch,
                                        warmupSteps: config.warmupSteps, warmupRate: config.warmupLearningRate)
        images = Tensor(shape: config.model.inputShape).view(batch: config.batchSize)
        labels = [Int32](repeating: 0, count: config.batchSize)
    }

    // MARK: - The loop

    /// Trains until the budget is spent, the run diverges, or a stop is requested. With `resume`, continues from
    /// the checkpoint (which must exist and belong to this configuration). Throws the observer's `failure` as soon
    /// as it has one.
    public func run(resume: Bool) throws -> TrainingOutcome {
        if resume { try restore() }
        var last: [String: Double] = [:]
        while step < totalSteps {
            if let failure = observer.failure { throw failure }
            if stop?.isSet == true {
                try saveCheckpoint()
                observer.event(step: step, kind: "stopped", message: "stop requested; checkpointed at step \(step)")
                return TrainingOutcome(status: .killed, step: step, diedAtStep: diedAtStep, finalMetrics: last)
            }
            let rate = schedule.rate(at: step)
            let (result, norm, seconds) = trainStep(learningRate: rate)
            step += 1
            wallTime += seconds
            interval.add(seconds: seconds, loss: result.loss,
                         error: 1 - Double(result.top1Correct) / Double(config.batchSize))

            if !result.isFinite || !norm.isFinite {
                last = [Metric.trainLoss: result.loss, Metric.gradientNorm: norm, Metric.learningRate: rate,
                        Metric.epoch: epoch]
                observer.record(step: step, wallTime: wallTime, metrics: last)
                observer.event(step: step, kind: "diverged",
                               message: "non-finite \(result.isFinite ? "gradient norm" : "loss") at step \(step)")
                return TrainingOutcome(status: .diverged, step: step, diedAtStep: diedAtStep, finalMetrics: last)
            }
            if step % config.logEvery == 0 || step == totalSteps {
                let imagesPerSecond = Double(interval.steps * config.batchSize) / interval.seconds
                last = probes().merging([
                    Metric.trainLoss: interval.loss / Double(interval.steps),
                    Metric.trainTop1: interval.error / Double(interval.steps),
                    Metric.learningRate: rate, Metric.gradientNorm: norm, Metric.epoch: epoch,
                    Metric.stepTime: interval.seconds / Double(interval.steps), Metric.imagesPerSecond: imagesPerSecond,
                ]) { a, _ in a }
                observer.record(step: step, wallTime: wallTime, metrics: last)
                detectDeath(deadFraction: last[Metric.prepoolDeadFraction] ?? 0)
                observer.progress(TrainingProgress(
                    step: step, totalSteps: totalSteps, epoch: epoch, loss: last[Metric.trainLoss]!,
                    error: last[Metric.trainTop1]!, imagesPerSecond: imagesPerSecond,
                    secondsRemaining: Double(totalSteps - step) * interval.seconds / Double(interval.steps)))
                interval = Interval()
            }
            if let batches = config.batchNormRecomputeBatches,
               step % config.evaluateEvery == 0 || step == totalSteps {
                recomputeBatchNormStatistics(batches: batches)
            }
            if step % config.evaluateEvery == 0 || step == totalSteps {
                let metrics = evaluate(validation, names: Metric.validation)
                observer.record(step: step, wallTime: wallTime, metrics: metrics)
                last.merge(metrics) { _, b in b }
            }
            if step == totalSteps {
                let metrics = evaluate(test, names: Metric.test)
                observer.record(step: step, wallTime: wallTime, metrics: metrics)
                last.merge(metrics) { _, b in b }
            }
            if step % config.checkpointEvery == 0 || step == totalSteps { try saveCheckpoint() }
        }
        return TrainingOutcome(status: .finished, step: step, diedAtStep: diedAtStep, finalMetrics: last)
    }

    /// One step on the next training batch: forward, loss, backward, weight decay, gradient norm (clipped when
    /// set), and the optimizer update unless the loss or the norm is not finite. Returns the batch's loss and
    /// accuracy, the global gradient norm before clipping, and the step's duration in seconds.
    private func trainStep(learningRate: Double) -> (SoftmaxCrossEntropy.Result, norm: Double, seconds: Double) {
        let clock = ContinuousClock()
        let started = clock.now
        let n = labels.withUnsafeMutableBufferPointer { l in
            trainLoader.nextBatch(images: UnsafeMutableBufferPointer(start: images.base, count: images.count),
                                  labels: l)
        }
        network.forward(TensorView(base: images.base, batch: n, shape: images.shape, storage: images.storage),
                        mode: .training)
        let result = labels.withUnsafeBufferPointer {
            network.loss(labels: $0, smoothing: Float(config.labelSmoothing))
        }
        network.backward()
        GradientTransform.applyWeightDecay(Float(config.weightDecay), to: network.parameters)
        let norm = config.gradientClip.map { GradientTransform.clipByGlobalNorm(network.parameters, maxNorm: $0) }
            ?? GradientTransform.globalNorm(network.parameters)
        if result.isFinite && norm.isFinite { optimizer.step(learningRate: Float(learningRate)) }
        return (result, norm, (clock.now - started).seconds)
    }

    private var epoch: Double { Double(step) / Double(stepsPerEpoch) }

    /// Sets every BatchNorm layer's moving mean and variance to the plain mean of its batch statistics over the
    /// first `batches` batches of `statisticsBatches` (forward passes in training mode, no update of the
    /// weights): batch i (from 0) enters with weight 1/(i+1) through the layers' decay i/(i+1), which is
    /// restored afterwards, as are the dropout generators, so that training goes on exactly as without.
    private func recomputeBatchNormStatistics(batches: Int) {
        let decays = batchNorms.map(\.decay)
        let generators = dropouts.map(\.generator)
        var loader = statisticsBatches
        loader.position = BatchPosition(epoch: 0, batch: 0)
        for i in 0..<min(batches, loader.batchesPerEpoch) {
            for layer in batchNorms { layer.decay = Float(i) / Float(i + 1) }
            let n = labels.withUnsafeMutableBufferPointer { l in
                loader.nextBatch(images: UnsafeMutableBufferPointer(start: images.base, count: images.count), labels: l)
            }
            guard n > 0 else { break }
            network.forward(TensorView(base: images.base, batch: n, shape: images.shape, storage: images.storage),
                            mode: .training)
        }
        for (layer, decay) in zip(batchNorms, decays) { layer.decay = decay }
        for (layer, generator) in zip(dropouts, generators) { layer.generator = generator }
    }

    /// Every layer of type `T` in `layer`'s tree, depth first.
    private static func layers<T>(of type: T.Type, in layer: any Layer) -> [T] {
        ((layer as? T).map { [$0] } ?? []) + layer.children.flatMap { layers(of: type, in: $0.layer) }
    }

    /// Loss, top-1 and top-5 error of the whole split in inference mode (moving BatchNorm statistics, no dropout).
    /// Images with a non-finite logit count as wrong (`ClassRank`), the loss is then NaN (stored as NULL), and a
    /// `non-finite` event says so: a network that has blown up never scores well.
    private func evaluate(_ split: BatchLoader, names: Metric.Evaluation) -> [String: Double] {
        var loader = split
        loader.position = BatchPosition(epoch: 0, batch: 0)
        var seen = 0, loss = 0.0, top1 = 0, top5 = 0, finite = true
        for _ in 0..<loader.batchesPerEpoch {
            let n = labels.withUnsafeMutableBufferPointer { l in
                loader.nextBatch(images: UnsafeMutableBufferPointer(start: images.base, count: images.count), labels: l)
            }
            guard n > 0 else { break }
            network.forward(TensorView(base: images.base, batch: n, shape: images.shape, storage: images.storage),
                            mode: .inference)
            let r = labels.withUnsafeBufferPointer { network.loss(labels: $0, computeGradient: false) }
            loss += r.loss * Double(n)
            top1 += r.top1Correct
            top5 += r.top5Correct
            seen += n
            finite = finite && r.isFinite
        }
        if !finite {
            observer.event(step: step, kind: "non-finite", message: "\(names.split) evaluation at step \(step): "
                           + "non-finite logits; those images count as wrong and \(names.loss) is not recorded")
        }
        return [names.loss: loss / Double(seen),
                names.top1: 1 - Double(top1) / Double(seen),
                names.top5: 1 - Double(top5) / Double(seen)]
    }

    /// Instability probes on the activations of the last training forward pass.
    private func probes() -> [String: Double] {
        let prepool = ActivationProbe(model.activation(model.prePool))
        var metrics = [Metric.prepoolDeadFraction: prepool.deadChannelFraction,
                       Metric.prepoolZeroFraction: prepool.zeroFraction, Metric.prepoolRMS: prepool.rms]
        var largest = prepool.maxAbs
        for (name, probe) in zip(Metric.stageRMS, model.stageOutputs) {
            let p = ActivationProbe(model.activation(probe))
            metrics[name] = p.rms
            largest = max(largest, p.maxAbs)
        }
        metrics[Metric.maxActivation] = largest
        for (name, scales) in zip(Metric.learnedScale, model.learnedScales) where !scales.isEmpty {
            let values = scales.flatMap { Array($0.value) }
            metrics[name] = values.reduce(0) { $0 + Double(abs($1)) } / Double(values.count)
        }
        return metrics
    }

    /// Marks the run as died when the pre-pool layer has been dead at `deadPatience` consecutive probes.
    private func detectDeath(deadFraction: Double) {
        guard diedAtStep == nil else { return }
        if deadFraction >= config.deadChannelThreshold {
            if deadStreak == 0 { deadStreakStart = step }
            deadStreak += 1
            if deadStreak >= config.deadPatience, let start = deadStreakStart {
                diedAtStep = start
                observer.event(step: step, kind: "died", message: String(
                    format: "%.0f%% of the pre-pool channels output only zeros since step %d",
                    100 * deadFraction, start))
            }
        } else {
            deadStreak = 0
            deadStreakStart = nil
        }
    }

    // MARK: - Checkpoints

    private var optimizerSlots: [(name: String, parameter: Parameter)] {
        optimizer.slots.map { ("optimizer.\($0.name)", $0.parameter) }
    }

    private var dropoutLayers: [Dropout] { network.root.allLayers.compactMap { $0 as? Dropout } }

    private func saveCheckpoint() throws {
        guard let url = checkpointURL else { return }
        var c = Checkpoint()
        c.store(network.namedParameters + optimizerSlots)
        c.metadata = [
            "format": "inception-lab checkpoint 1",
            "step": String(step),
            "wall_time": String(wallTime),
            "data_epoch": String(trainLoader.position.epoch),
            "data_batch": String(trainLoader.position.batch),
            "interval": interval.text,
            "dead_streak": String(deadStreak),
            "dead_streak_start": deadStreakStart.map(String.init) ?? "",
            "died_at_step": diedAtStep.map(String.init) ?? "",
            "dropout_generators": dropoutLayers.map { d in
                let s = d.generator.state
                return [s.0, s.1, s.2, s.3].map { String($0) }.joined(separator: ",")
            }.joined(separator: ";"),
            "config": config.canonicalJSON,
        ]
        try c.write(to: url)
        observer.event(step: step, kind: "checkpoint", message: url.lastPathComponent)
        observer.checkpointed(step: step)
    }

    private func restore() throws {
        guard let url = checkpointURL, FileManager.default.fileExists(atPath: url.path) else {
            throw TrainingError.noCheckpoint(path: checkpointURL?.path ?? "(none)")
        }
        let c = try Checkpoint.read(from: url)
        let m = c.metadata
        guard m["config"] == config.canonicalJSON else {
            throw TrainingError.checkpointMismatch(path: url.path,
                                                   reason: "it was written by a run with another configuration")
        }
        try c.restore(network.namedParameters + optimizerSlots, file: url.path)
        func int(_ key: String) throws -> Int {
            guard let v = m[key].flatMap({ Int($0) }) else {
                throw TrainingError.checkpointMismatch(path: url.path,
                                                       reason: "metadata \(key) is missing or not a number")
            }
            return v
        }
        step = try int("step")
        wallTime = Double(m["wall_time"] ?? "") ?? 0
        trainLoader.position = BatchPosition(epoch: try int("data_epoch"), batch: try int("data_batch"))
        guard let restored = m["interval"].flatMap(Interval.init(text:)) else {
            throw TrainingError.checkpointMismatch(path: url.path, reason: "metadata interval is missing or malformed")
        }
        interval = restored
        deadStreak = try int("dead_streak")
        deadStreakStart = m["dead_streak_start"].flatMap { Int($0) }
        diedAtStep = m["died_at_step"].flatMap { Int($0) }
        let states = (m["dropout_generators"] ?? "").split(separator: ";").map {
            $0.split(separator: ",").compactMap { UInt64($0) }
        }
        guard states.count == dropoutLayers.count, states.allSatisfy({ $0.count == 4 }) else {
            throw TrainingError.checkpointMismatch(path: url.path,
                                                   reason: "dropout generator states do not match the model")
        }
        for (d, s) in zip(dropoutLayers, states) { d.generator.state = (s[0], s[1], s[2], s[3]) }
        observer.event(step: step, kind: "resumed", message: "resumed from \(url.lastPathComponent) at step \(step)")
    }
}
