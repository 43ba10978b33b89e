import CKernels

/// Average pooling, 3×3 stride 1 SAME with the padding excluded from the mean (`AP` of docs/models.md#building-blocks,
/// TensorFlow's semantics): each output is the mean of the input pixels its window actually covers.
public final class AvgPool: Layer {
    public let inputShape: Shape
    public let outputShape: Shape
    public let window: Window

    public init(input: Shape, size: Int = 3) {
        window = Window(input: input, kernelHeight: size, kernelWidth: size, stride: 1, padding: .same)
        inputShape = input
        outputShape = input
    }

    /// The pool's geometry for the C kernels (CKernels/average_pool.c).
    private var geometry: ck_pool_geometry {
        ck_pool_geometry(height: inputShape.height, width: inputShape.width, channels: inputShape.channels,
                         size: window.kernelHeight)
    }

    // Images run on `ElementwiseThreads.count` threads (`floats`: how many the kernel touches); a window never
    // leaves its image, so each image's pixels are written by one thread, in the same order on any count.

    public func forward(_ x: TensorView, into y: TensorView, mode: Mode) {
        withUnsafePointer(to: geometry) { g in
            forEachChunk(x.batch, floats: 2 * x.count) { n in
                ck_average_pool(g, n, x.base, x.pixelStride, y.base, y.pixelStride)
            }
        }
    }

    public func backward(_ dy: TensorView, into dx: TensorView?, accumulate: Bool) {
        guard let dx else { return }
        let accumulate: Int32 = accumulate ? 1 : 0
        withUnsafePointer(to: geometry) { g in
            forEachChunk(dy.batch, floats: 2 * dy.count) { n in
                ck_average_pool_gradient(g, n, dy.base, dy.pixelStride, dx.base, dx.pixelStride, accumulate)
            }
        }
    }
}
