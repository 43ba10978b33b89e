/// A trainable network: a root layer from images to logits, the logits buffer, and the loss gradient.
///
/// One training step is `forward(images, mode: .training)`, `loss(labels:)` (which also writes `∂L/∂logits`),
/// `backward()`, then an optimizer step over `parameters`.
public final class Network {
    public let root: any Layer
    private let logits, logitsGradient: Tensor
    private var batch = 0

    public init(root: any Layer) {
        self.root = root
        logits = Tensor(shape: root.outputShape)
        logitsGradient = Tensor(shape: root.outputShape)
    }

    /// Attach a profiler to time every layer's passes by kind (nil: no timing). The network's root is timed too.
    public var profiler: Profiler? {
        didSet {
            for layer in root.allLayers {
                switch layer {
                case let s as Sequential: s.profiler = profiler
                case let c as Concat: c.profiler = profiler
                case let r as Residual: r.profiler = profiler
                default: break
                }
            }
        }
    }

    public var inputShape: Shape { root.inputShape }
    public var classes: Int { root.outputShape.count }
    /// Trainable parameters in a fixed order (the order optimizers and checkpoints use).
    public private(set) lazy var parameters: [Parameter] = root.parameters
    /// Every parameter and state buffer with its dotted name.
    public var namedParameters: [(name: String, parameter: Parameter)] { root.namedParameters() }

    /// Runs the network on `images` (`[batch, H, W, C]` of `inputShape`) and returns the logits `[batch, 1, 1, K]`.
    @discardableResult
    public func forward(_ images: TensorView, mode: Mode) -> TensorView {
        batch = images.batch
        let out = logits.view(batch: batch)
        profiler.forward(root, images, into: out, mode: mode)
        return out
    }

    /// Loss and accuracy of the last forward pass against `labels`; in training also stores `∂L/∂logits`.
    public func loss(labels: UnsafeBufferPointer<Int32>, smoothing: Float = 0, computeGradient: Bool = true)
        -> SoftmaxCrossEntropy.Result {
        SoftmaxCrossEntropy.evaluate(logits: logits.view(batch: batch), labels: labels, smoothing: smoothing,
                                     gradient: computeGradient ? logitsGradient.view(batch: batch) : nil)
    }

    /// Back-propagates the loss gradient of the last `loss` call into every parameter's gradient.
    public func backward() {
        profiler.backward(root, logitsGradient.view(batch: batch), into: nil, accumulate: false)
    }
}
