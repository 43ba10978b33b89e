/// Parallel branches on the same input, concatenated along channels in order (`a ‖ b ‖ …`).
///
/// Costs no copy: each branch writes its output into its own channel slice of the caller's output, reads its
/// gradient from the same slice of `dy`, and the branches' input gradients add up in `dx`.
public final class Concat: Layer {
    public let branches: [(name: String, layer: any Layer)]
    public let inputShape: Shape
    public let outputShape: Shape
    /// Times the branches' passes when set (see `Network.profiler`).
    public var profiler: Profiler?

    /// Branches are named `branch0`, `branch1`, … unless given names.
    public convenience init(_ branches: [any Layer]) {
        self.init(named: branches.enumerated().map { ("branch\($0.offset)", $0.element) })
    }

    public init(named branches: [(name: String, layer: any Layer)]) {
        precondition(!branches.isEmpty, "a concatenation needs at least one branch")
        let first = branches[0].layer
        for b in branches {
            precondition(b.layer.inputShape == first.inputShape, "\(b.name) expects \(b.layer.inputShape), not \(first.inputShape)")
            precondition(b.layer.outputShape.height == first.outputShape.height &&
                         b.layer.outputShape.width == first.outputShape.width,
                         "\(b.name) outputs \(b.layer.outputShape), not \(first.outputShape.height)×\(first.outputShape.width)")
        }
        self.branches = branches
        inputShape = first.inputShape
        outputShape = Shape(first.outputShape.height, first.outputShape.width,
                            branches.reduce(0) { $0 + $1.layer.outputShape.channels })
    }

    public var children: [(name: String, layer: any Layer)] { branches }

    /// `(first channel, channel count)` of each branch in the output.
    private var slices: [(start: Int, count: Int)] {
        var start = 0
        return branches.map { b in
            defer { start += b.layer.outputShape.channels }
            return (start, b.layer.outputShape.channels)
        }
    }

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        for (b, s) in zip(branches, slices) {
            profiler.forward(b.layer, x, into: y.channels(s.start, count: s.count), mode: mode)
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        for (i, (b, s)) in zip(branches, slices).enumerated() {
            profiler.backward(b.layer, dy.channels(s.start, count: s.count), into: dx, accumulate: accumulate || i > 0)
        }
    }
}
