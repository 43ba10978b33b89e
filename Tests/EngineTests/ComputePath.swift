import Engine
import Testing

/// Every way the engine can run a layer's products: OpenBLAS's GEMMs, and on oneDNN its GEMMs or its convolution
/// primitives (`ConvolutionAlgorithm`), whichever the shape would choose.
enum ComputePath: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case openblas, onednnGemm, onednnPrimitives

    var testDescription: String { rawValue }

    /// Runs `body` on this path, scoped to the calling task.
    func run<T>(_ body: () throws -> T) rethrows -> T {
        switch self {
        case .openblas: try Backend.withBackend(.openblas, body)
        case .onednnGemm: try Backend.withBackend(.onednn) { try ConvolutionAlgorithm.withAlgorithm(.gemm, body) }
        case .onednnPrimitives:
            try Backend.withBackend(.onednn) { try ConvolutionAlgorithm.withAlgorithm(.primitives, body) }
        }
    }
}
