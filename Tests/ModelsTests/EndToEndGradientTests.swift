import Engine
import Models
import Testing

/// A finite-difference check of the whole network, loss included, on single weights along the depth.
///
/// Model: `inception-resnet-v2-paper` at width 0.125, one block per stage, compact stem, 32×32×1, 5 classes,
/// residual scales 0.5 / 0.3 / 0.2 (so a scale missing from a backward pass would show as a factor of 2–5),
/// dropout keep 1 (dropout is then the identity and draws nothing), batch 4, training mode (BatchNorm uses the
/// batch statistics, which depend on the perturbed weight; its moving statistics do not enter the loss).
///
/// For each checked tensor, the weight with the largest analytic gradient `a` is moved by ±h (h = 1e-3) and the
/// central difference `n = (L(w+h) − L(w−h)) / 2h` of the softmax cross-entropy `Network.loss` is compared.
/// Tolerance `|a − n| ≤ 0.05·|a| + 1e-3`:
/// - truncation: ReLU and max-pool kinks crossed by the perturbation and the curvature of BatchNorm over a small
///   batch make the central difference differ from the derivative by O(h); measured at h = 1e-3 it is ≤ 2.2 % on
///   these weights (1.8 % on the first convolution, the longest path) and shrinks towards the analytic value as h falls
///   to 3e-4;
/// - rounding: the loss (≈ 1.6) is computed from Float32 logits; its noise of a few 1e-7 divided by 2h gives
///   ≲ 3e-4 absolute, covered by the 1e-3 term.
/// A wrong backward pass (a missing residual scale, BatchNorm's batch-statistics term, a branch's gradient not
/// accumulated) is off by tens of per cent or more.
///
/// The same check runs on the residual-scaling variants: the extra pre-pool BatchNorm, LayerScale (initial 0.5)
/// and ReZero (initial 0.4 rather than 0, so that the branches behind it get gradients to check), each with its
/// new parameters among the checked ones.
@Suite("End-to-end finite differences")
struct EndToEndGradientTests {
    static let base = ModelConfig(model: .inceptionResNetV2Paper, width: 0.125, repeats: Repeats(1, 1, 1),
                                  stem: .compact, inputSize: 32, inputChannels: 1, classes: 5,
                                  residualScales: ResidualScales(0.5, 0.3, 0.2), dropoutKeep: 1)
    static let checked = ["stem.0.conv.weight", "inception_a1.branch.branch2.2.conv.weight",
                          "inception_b1.expand.weight", "reduction_b.branch2.1.conv.weight", "inception_c1.expand.bias",
                          "logits.weight"]

    @Test("single weights of a small residual network")
    func singleWeights() throws {
        try check(Self.base, Self.checked)
    }

    @Test("single weights with the extra pre-pool BatchNorm")
    func prePoolBatchNorm() throws {
        var config = Self.base
        config.prePoolBatchNorm = true
        // The BatchNorm removes per-channel constants, so the last block's expansion bias gets no gradient.
        let checked = Self.checked.map { $0 == "inception_c1.expand.bias" ? "inception_c1.expand.weight" : $0 }
        try check(config, checked + ["prepool_bn.gamma", "prepool_bn.beta"])
    }

    @Test("single weights with learned residual scales", arguments: [
        (ResidualScaleMode.layerscale, 0.5), (ResidualScaleMode.rezero, 0.4),
    ])
    func learnedScales(mode: ResidualScaleMode, initial: Double) throws {
        var config = Self.base
        config.residualScaleMode = mode
        config.residualScaleInit = initial
        try check(config, Self.checked + ["inception_a1.scale.gamma", "inception_b1.scale.gamma",
                                          "inception_c1.scale.gamma"])
    }

    func check(_ config: ModelConfig, _ checked: [String]) throws {
        let m = try Model(config, seed: 11)
        let (images, labels) = TrainingPassTests.batch(m.network.inputShape, 4, classes: 5, seed: 2)
        let x = images.view(batch: 4)
        func loss(gradient: Bool) -> Double {
            m.network.forward(x, mode: .training)
            return labels.withUnsafeBufferPointer { m.network.loss(labels: $0, computeGradient: gradient).loss }
        }
        _ = loss(gradient: true)
        m.network.backward()

        let parameters = Dictionary(uniqueKeysWithValues: m.network.namedParameters.map { ($0.name, $0.parameter) })
        let h: Float = 1e-3
        for name in checked {
            let p = try #require(parameters[name])
            let i = p.gradient.indices.max { abs(p.gradient[$0]) < abs(p.gradient[$1]) }!
            let analytic = Double(p.gradient[i]), saved = p.value[i]
            p.value[i] = saved + h
            let plus = loss(gradient: false)
            p.value[i] = saved - h
            let minus = loss(gradient: false)
            p.value[i] = saved
            let numeric = (plus - minus) / Double(2 * h)
            #expect(abs(analytic) > 1e-2, "\(name): gradient too small to check")
            #expect(abs(analytic - numeric) <= 0.05 * abs(analytic) + 1e-3,
                    "\(name)[\(i)]: analytic \(analytic), numeric \(numeric)")
        }
    }
}
