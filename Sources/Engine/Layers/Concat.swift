/// Parallel branches on the same input, concatenated along channels in order (`a ‖ b ‖ …`).
///
/// Costs no copy: each branch writes its output into its own channel slice of the caller's output, reads its
/// gradient from the same slice of `dy`, and the branches' input gradients add up in `dx`. The 1×1 convolutions
/// that open two or more branches (or follow their average pool) run as one (`PointwiseHeads`).
public final class Concat: Layer {
    public let branches: [(name: String, layer: any Layer)]
    public let inputShape: Shape
    public let outputShape: Shape
    /// Times the branches' passes when set (see `Network.profiler`).
    public var profiler: Profiler?
    /// The branches' opening 1×1 convolutions, computed together (nil with fewer than two).
    private let heads: PointwiseHeads?
    /// The last forward pass's input (kept for the heads' weight gradient).
    private var input: TensorView?

    /// Branches are named `branch0`, `branch1`, … unless given names.
    public convenience init(_ branches: [any Layer]) {
        self.init(named: branches.enumerated().map { ("branch\($0.offset)", $0.element) })
    }

    public init(named branches: [(name: String, layer: any Layer)]) {
        precondition(!branches.isEmpty, "a concatenation needs at least one branch")
        let first = branches[0].layer
        for b in branches {
            precondition(b.layer.inputShape == first.inputShape,
                         "\(b.name) expects \(b.layer.inputShape), not \(first.inputShape)")
            precondition(b.layer.outputShape.height == first.outputShape.height &&
                         b.layer.outputShape.width == first.outputShape.width,
                         "\(b.name) outputs \(b.layer.outputShape), not "
                         + "\(first.outputShape.height)×\(first.outputShape.width)")
        }
        self.branches = branches
        heads = PointwiseHeads(branches.map(\.layer))
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
        if let heads {
            input = x
            heads.forward(x, mode: mode, profiler: profiler)
        }
        for (i, (b, s)) in zip(branches, slices).enumerated() {
            let out = y.channels(s.start, count: s.count)
            if let sequence = heads?.sequence(ofBranch: i) {
                sequence.forwardAfterHead(into: out, mode: mode)
            } else {
                profiler.forward(b.layer, x, into: out, mode: mode)
            }
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        let slices = slices
        var written = accumulate   // whether dx holds something to add to
        for (i, (b, s)) in zip(branches, slices).enumerated() where heads?.sequence(ofBranch: i) == nil {
            profiler.backward(b.layer, dy.channels(s.start, count: s.count), into: dx, accumulate: written)
            written = true
        }
        guard let heads else { return }
        guard let x = input else { preconditionFailure("backward before forward") }
        heads.backward(x, { dy.channels(slices[$0].start, count: slices[$0].count) }, into: dx, accumulate: written,
                       profiler: profiler)
    }
}
