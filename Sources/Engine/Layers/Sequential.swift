/// Layers applied one after another. Owns the activation between each pair of children (kept for backward and
/// readable by probes through `activation(after:)`) and the matching gradient buffers, allocated on first use
/// and reused from step to step; the last child writes straight into the caller's output.
public final class Sequential: Layer {
    public let layers: [(name: String, layer: any Layer)]
    private let activations: [Tensor]   // output of layers[i] for i < count − 1
    private var gradients: [Tensor] = []
    private var batch = 0
    /// The child that holds the sequence's pointwise head (`pointwiseHead`), if it has one.
    private let headIndex: Int?
    /// Times the children's passes when set (see `Network.profiler`).
    public var profiler: Profiler?

    /// Children are named by position (`0`, `1`, …) unless given names.
    public convenience init(_ layers: [any Layer]) {
        self.init(named: layers.enumerated().map { (String($0.offset), $0.element) })
    }

    public init(named layers: [(name: String, layer: any Layer)]) {
        precondition(!layers.isEmpty, "a sequence needs at least one layer")
        for (a, b) in zip(layers, layers.dropFirst()) {
            precondition(a.layer.outputShape == b.layer.inputShape,
                         "\(a.name) outputs \(a.layer.outputShape) but \(b.name) expects \(b.layer.inputShape)")
        }
        self.layers = layers
        activations = layers.dropLast().map { Tensor(shape: $0.layer.outputShape) }
        headIndex = Self.headIndex(of: layers.map(\.layer))
    }

    public var inputShape: Shape { layers[0].layer.inputShape }
    public var outputShape: Shape { layers[layers.count - 1].layer.outputShape }
    public var children: [(name: String, layer: any Layer)] { layers }

    /// The output of child `index` in the last forward pass (the final child's output is the caller's).
    public func activation(after index: Int) -> TensorView { activations[index].view(batch: batch) }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        batch = x.batch
        forward(from: 0, x, into: y, mode: mode)
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        profiler.backward(layers[0].layer, backward(downTo: 1, dy), into: dx, accumulate: accumulate)
    }

    /// Forward of children `start…` from `x` (the sequence's input, or child `start − 1`'s output), the last
    /// child into `y`.
    private func forward(from start: Int, _ x: TensorView, into y: TensorView, mode: Mode) {
        var current = x
        for i in layers.indices.dropFirst(start) {
            let out = i < activations.count ? activations[i].view(batch: batch) : y
            profiler.forward(layers[i].layer, current, into: out, mode: mode)
            current = out
        }
    }

    /// Backward of children `start…` (`start ≥ 1`) from `dy`, the last child's output gradient; returns the
    /// gradient of child `start − 1`'s output.
    private func backward(downTo start: Int, _ dy: TensorView) -> TensorView {
        if gradients.isEmpty { gradients = activations.map { Tensor(shape: $0.shape) } }
        var upstream = dy
        for i in layers.indices.dropFirst(start).reversed() {
            let down = gradients[i - 1].view(batch: batch)
            profiler.backward(layers[i].layer, upstream, into: down, accumulate: false)
            upstream = down
        }
        return upstream
    }
}

/// A sequence that opens with a plain 1×1 convolution (`Conv2D.isPlainPointwise`), directly or through nested
/// sequences, or with an average pool and then such a convolution, run in two parts so that `PointwiseHeads` can
/// compute that convolution together with others.
///
/// An average pool then a plain 1×1 convolution (`AP` then `C(n, 1×1)`'s convolution, the pool branch of
/// Inception-v3 and -v4 blocks) is the same map as the convolution then the pool: both are linear and the pool
/// works on each channel alone, so the mean of the windows' `x · W` is the mean of the windows' `x`, times `W`.
/// The head is then computed first, on the block's input, and the pool after it, on the head's `n` channels
/// rather than the input's (4–11 times fewer in Inception-v3 and -v4); the pool's own output goes unused.
extension Sequential {
    /// The head: the convolution that opens this sequence (plain 1×1, something after it in its sequence), and
    /// whether an average pool before it is to run after it instead.
    struct Head {
        let conv: Conv2D
        let pooled: Bool
    }

    /// This sequence's head, if it has one.
    var pointwiseHead: Head? {
        guard let index = headIndex else { return nil }
        switch layers[index].layer {
        case let conv as Conv2D: return Head(conv: conv, pooled: index == 1)
        case let inner as Sequential: return inner.pointwiseHead.map { Head(conv: $0.conv, pooled: index == 1) }
        default: return nil
        }
    }

    /// The child of `layers` that holds the head: 0, or 1 after an average pool that commutes with it; nil without
    /// a head.
    private static func headIndex(of layers: [any Layer]) -> Int? {
        func opensWithHead(_ index: Int) -> Bool {
            switch layers[index] {
            case let conv as Conv2D: layers.count > index + 1 && conv.isPlainPointwise
            case let inner as Sequential: inner.pointwiseHead.map { !$0.pooled } ?? false
            default: false
            }
        }
        if opensWithHead(0) { return 0 }
        return layers[0] is AvgPool && layers.count > 1 && opensWithHead(1) ? 1 : nil
    }

    /// `headIndex`, which the methods below require (callers use them only on a sequence with a `pointwiseHead`).
    private var requiredHeadIndex: Int {
        guard let headIndex else { preconditionFailure("the sequence has no pointwise head") }
        return headIndex
    }

    /// Where the head's output goes for a batch of `batch` (the head child's output, in the innermost sequence);
    /// to be filled before `forwardAfterHead` (pooled, for a pooled head).
    func headOutput(batch: Int) -> TensorView {
        self.batch = batch
        let index = requiredHeadIndex
        if let inner = layers[index].layer as? Sequential { return inner.headOutput(batch: batch) }
        return activations[index].view(batch: batch)
    }

    /// Forward of every layer after the head, whose output `headOutput` holds, into `y`.
    func forwardAfterHead(into y: TensorView, mode: Mode) {
        let index = requiredHeadIndex
        let first = index < activations.count ? activations[index].view(batch: batch) : y
        if let inner = layers[index].layer as? Sequential { inner.forwardAfterHead(into: first, mode: mode) }
        forward(from: index + 1, first, into: y, mode: mode)
    }

    /// Backward of every layer after the head, from `dy`; returns the gradient of the head's output (in this or
    /// an inner sequence's buffer; for a pooled head, of the pool's output).
    func backwardToHead(_ dy: TensorView) -> TensorView {
        let index = requiredHeadIndex
        let upstream = backward(downTo: index + 1, dy)
        if let inner = layers[index].layer as? Sequential { return inner.backwardToHead(upstream) }
        return upstream
    }
}
