import Foundation

/// A named Float32 array of a layer: a trainable weight with its gradient, or a state buffer (BatchNorm moving
/// statistics) that checkpoints save but optimizers never touch.
///
/// `value` and `gradient` are allocated once for the life of the parameter; layers write `gradient` in
/// `backward` (overwriting it) and optimizers read it in their step.
public final class Parameter {
    public enum Role: Sendable {
        /// Trained, and subject to L2 weight decay (convolution and fully connected weights).
        case weight
        /// Trained, no weight decay (biases, BatchNorm gamma and beta).
        case bias
        /// Not trained; saved and restored with the model (BatchNorm moving mean and variance).
        case state
    }

    public let name: String
    /// Logical dimensions, outermost first (a convolution kernel is `[kh, kw, cin, cout]`, TensorFlow's HWIO).
    public let dimensions: [Int]
    public let role: Role
    public let value: UnsafeMutableBufferPointer<Float>
    public let gradient: UnsafeMutableBufferPointer<Float>
    /// Factor on the optimizer's learning rate for this parameter (dimensionless; 1: the schedule's rate, 0: frozen).
    public var learningRateMultiplier: Float = 1

    /// - Parameter withGradient: false for a parameter that is never trained (a network compiled for inference):
    ///   `gradient` is then empty.
    public init(name: String, dimensions: [Int], role: Role, initialValue: Float = 0, withGradient: Bool = true) {
        self.name = name
        self.dimensions = dimensions
        self.role = role
        let count = dimensions.reduce(1, *)
        value = .allocate(capacity: count)
        value.initialize(repeating: initialValue)
        // calloc: large blocks come from fresh zero pages that take no memory until a backward pass writes them,
        // so a network that only runs forward (predict, evaluate) does not pay for its gradients.
        let gradientCount = role == .state || !withGradient ? 0 : count
        gradient = UnsafeMutableBufferPointer(
            start: calloc(max(gradientCount, 1), MemoryLayout<Float>.stride)!.assumingMemoryBound(to: Float.self),
            count: gradientCount)
    }

    deinit {
        value.deallocate()
        free(gradient.baseAddress)
    }

    public var count: Int { value.count }
    public var isTrainable: Bool { role != .state }
}
