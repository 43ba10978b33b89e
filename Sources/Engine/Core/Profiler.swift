/// Time spent per kind of layer during forward and backward passes, for `bench train`.
///
/// Containers (`Sequential`, `Concat`, `Residual`) time each leaf child they call and `Residual` its own merge
/// (its learned scale counts as merge); a network with no profiler attached pays one nil check per child call.
/// Attach with `Network.profiler`.
///
/// Threading: used by the network's thread only.
public final class Profiler {
    /// What a measured interval is charged to.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case convolutionForward = "convolution forward"
        case convolutionBackward = "convolution backward"
        case batchNorm = "batchnorm"
        case pooling
        case residualMerge = "residual merge"
        case optimizer
        case other
    }

    /// Seconds charged to each kind since the last `reset()`.
    public private(set) var seconds: [Kind: Double] = [:]
    private let clock = ContinuousClock()

    public init() {}

    public func reset() { seconds = [:] }

    /// Runs `body`, charging its duration to `kind`.
    @inline(__always)
    public func measure<R>(_ kind: Kind, _ body: () throws -> R) rethrows -> R {
        let start = clock.now
        defer {
            seconds[kind, default: 0] += (clock.now - start).seconds
        }
        return try body()
    }

    /// The kind a leaf layer's forward (`backward: false`) or backward pass is charged to; nil for containers,
    /// which time their children instead.
    static func kind(of layer: any Layer, backward: Bool) -> Kind? {
        switch layer {
        case is Sequential, is Concat, is Residual: nil
        case is Conv2D: backward ? .convolutionBackward : .convolutionForward
        case is BatchNorm: .batchNorm
        case is ChannelScale: .residualMerge
        case is MaxPool, is AvgPool, is GlobalAvgPool: .pooling
        default: .other
        }
    }
}

extension Optional where Wrapped == Profiler {
    /// Calls `child.forward`, timed when a profiler is attached and the child is a leaf.
    @inline(__always)
    func forward(_ child: any Layer, _ x: TensorView, into y: TensorView, mode: Mode) {
        if let self, let kind = Profiler.kind(of: child, backward: false) {
            self.measure(kind) { child.forward(x, into: y, mode: mode) }
        } else {
            child.forward(x, into: y, mode: mode)
        }
    }

    /// Calls `child.backward`, timed when a profiler is attached and the child is a leaf.
    @inline(__always)
    func backward(_ child: any Layer, _ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        if let self, let kind = Profiler.kind(of: child, backward: true) {
            self.measure(kind) { child.backward(dy, into: dx, accumulate: accumulate) }
        } else {
            child.backward(dy, into: dx, accumulate: accumulate)
        }
    }

    /// Runs `body`, charged to `kind` when a profiler is attached.
    @inline(__always)
    public func measure(_ kind: Profiler.Kind, _ body: () -> Void) {
        if let self { self.measure(kind, body) } else { body() }
    }
}
