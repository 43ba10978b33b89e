import Engine
import Testing

/// Finite-difference gradient checking for any `Layer`.
///
/// The scalar checked is `L = Σ y ⊙ R` for a fixed random `R`, so `∂L/∂y = R`. For the input and for every
/// trainable parameter, the analytic directional derivative `⟨∇L, v⟩` along a random direction `v` is compared
/// with the central difference `(L(θ + h·v) − L(θ − h·v)) / 2h`.
///
/// `v` has unit length, so each coordinate moves by about `h/√n`: small enough that ReLU and max-pool kinks are
/// rarely crossed, even in a whole Inception block.
///
/// Tolerance: the forward pass runs in Float32 and L is summed in Double. Central differences have truncation
/// error O(h²) ≈ 1e-6 and a rounding error of about `k·ε₃₂·Σ|y·R| / h` where `k` counts the roundings along the
/// deepest path; the test's noise floor is that bound with `k = 10` (about 0.01–0.1 here). The error is
/// `|analytic − numeric| / max(|analytic|, |numeric|, floor)`, the smaller of those at `h` and `2h`; below 1e-2
/// separates a correct gradient (measured ≲ 3e-3; 0.018 at `h` alone once, on OpenBLAS's SSE3 kernels) from a
/// wrong one (a missing term, or a factor off by ≳ 5 %, on derivatives of order 0.1–20).
///
/// `verify` checks the layer on every `ComputePath`.
struct GradientCheck {
    var h: Float = 1e-3
    var tolerance = 1e-2
    var batch = 2
    var seed: UInt64 = 1
    /// Runs the layer into channel slices of wider buffers (a pixel stride larger than the channel count),
    /// as a concatenation does.
    var strided = true
    /// Called before every forward pass (to reset a dropout generator, for instance).
    var beforeForward: () -> Void = {}

    /// Relative errors by tensor name (`input`, then each parameter's dotted name).
    func errors(of layer: any Layer, inputScale: Float = 1) -> [(name: String, error: Double)] {
        var rng = RandomGenerator(seed: seed, stream: 77)
        let xs = layer.inputShape, ys = layer.outputShape
        let pad = strided ? 3 : 0
        let xT = Tensor(shape: xs), dxT = Tensor(shape: Shape(xs.height, xs.width, xs.channels + pad))
        let yT = Tensor(shape: Shape(ys.height, ys.width, ys.channels + pad))
        let x = xT.view(batch: batch)
        for i in 0..<x.count { x.base[i] = Float(rng.nextNormal()) * inputScale }
        let yFull = yT.view(batch: batch)
        let y = strided ? yFull.channels(1, count: ys.channels) : yFull
        let r = (0..<y.count).map { _ in Float(rng.nextNormal()) }

        func loss() -> Double {
            beforeForward()
            layer.forward(x, into: y, mode: .training)
            let values = y.toArray()
            return zip(values, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = loss()
        let magnitude = zip(y.toArray(), r).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
        let floor = 10 * Double(Float.ulpOfOne) * magnitude / Double(h)
        let rT = Tensor(shape: ys, batch: batch, values: r)
        let dxFull = dxT.view(batch: batch)
        let dx = strided ? dxFull.channels(2, count: xs.channels) : dxFull
        layer.backward(rT.view(batch: batch), into: dx, accumulate: false)

        var targets: [(name: String, values: UnsafeMutableBufferPointer<Float>, gradient: [Float])] =
            [("input", UnsafeMutableBufferPointer(start: x.base, count: x.count), dx.toArray())]
        for (name, p) in layer.namedParameters() where p.isTrainable {
            targets.append((name, p.value, Array(p.gradient)))
        }
        return targets.map { t in
            var v = (0..<t.values.count).map { _ in Float(rng.nextNormal()) }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            v = v.map { $0 / norm }
            let analytic = zip(t.gradient, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let saved = Array(t.values)
            // The better of two step sizes: h, and 2h with half the rounding error (the GEMM library's kernels set
            // how many roundings a product takes: OpenBLAS's SSE3 fallback, without FMA, takes about twice as
            // many). A wrong gradient (a missing term, a factor off by 5 %) fails at both.
            let errors = [h, 2 * h].map { step -> Double in
                for i in 0..<v.count { t.values[i] = saved[i] + step * v[i] }
                let plus = loss()
                for i in 0..<v.count { t.values[i] = saved[i] - step * v[i] }
                let minus = loss()
                for i in 0..<v.count { t.values[i] = saved[i] }
                let numeric = (plus - minus) / (2 * Double(step))
                return abs(analytic - numeric) / max(abs(analytic), abs(numeric), floor * Double(h / step))
            }
            return (t.name, errors.min()!)
        }
    }

    /// Expects every relative error below the tolerance, with the products run by each compute path in turn.
    func verify(_ layer: any Layer, inputScale: Float = 1, sourceLocation: SourceLocation = #_sourceLocation) {
        for path in ComputePath.allCases {
            for (name, error) in path.run({ errors(of: layer, inputScale: inputScale) }) {
                #expect(error < tolerance, "\(path): gradient of \(name): relative error \(error)",
                        sourceLocation: sourceLocation)
            }
        }
    }
}
