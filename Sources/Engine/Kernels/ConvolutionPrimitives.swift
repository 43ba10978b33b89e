import CDNNL

/// oneDNN's convolution primitives for one `Conv2D` geometry, batch size and thread count: forward, backward data
/// and backward weights over dense NHWC activations and HWIO weights.
///
/// The activations keep the engine's layout (`nhwc` memory descriptors, no reorders). The weights' format is `any`,
/// so oneDNN picks the blocked layout of its JIT kernels (`brgconv` / `jit:avx512_core` on Zen 4); with plain `hwio`
/// weights it runs its own im2col + GEMM (`gemm:jit`), which measured 3–6× slower than the engine's on 3×3 and 5×5
/// kernels. The weights are reordered into that layout by every forward call (once per training step; a weight
/// tensor is small next to the multiply-adds of a batch), and the backward-data pass reuses the copy when it wants
/// the same layout; the weight gradient is reordered back to HWIO.
///
/// The primitives' scratchpads are the caller's (`dnnl_scratchpad_mode_user`): every call takes `scratchpadBytes`
/// of scratch memory (the engine's `Workspace`). Threads: the primitives are created and run on `threads` OpenMP
/// threads (oneDNN sizes its work split and scratchpad for the count at creation), which the caller takes from
/// `BLASThreads` like a GEMM's.
///
/// The descriptors, primitives and memory objects are released with the instance; the backward primitives are
/// created on the first backward call (inference needs none).
final class ConvolutionPrimitives {
    let threads: Int
    /// Scratch memory a call needs, in bytes (the largest scratchpad of the primitives created so far).
    private(set) var scratchpadBytes: Int

    private let descriptor: Descriptor
    private let stream: dnnl_stream_t?
    private let forward: Primitive
    private var backward: (data: Primitive, weights: Primitive)?
    /// Memory objects in the engine's layouts; their data handles are set before each call.
    private let source, destination, userWeights, bias, scratchpad: dnnl_memory_t?
    /// Weights in the forward and backward-data primitives' layouts, the weight gradient in the backward-weights
    /// primitive's (each nil when that layout is HWIO, or for backward data when it is the forward one's).
    private let forwardWeights: Reorder?
    private var dataWeights: Reorder?, weightGradient: Reorder?

    /// - Parameters:
    ///   - window: the convolution's geometry (input shape, kernel, stride, padding).
    ///   - outputChannels: `cout`.
    ///   - batch: images per call.
    ///   - bias: whether forward adds a bias `[cout]`.
    ///   - relu: whether forward applies a ReLU after the bias (a post-op; inference only, no backward pass).
    ///   - threads: OpenMP threads of every call.
    init(window: Window, outputChannels: Int, batch: Int, bias hasBias: Bool, relu: Bool, threads: Int) {
        self.threads = threads
        descriptor = Descriptor(window: window, outputChannels: outputChannels, batch: batch, bias: hasBias)
        var stream: dnnl_stream_t?
        check(dnnl_stream_create(&stream, cpuEngine, dnnl_stream_default_flags.rawValue), "stream")
        self.stream = stream
        omp_set_num_threads(Int32(threads))
        forward = Primitive(forward: descriptor, relu: relu)
        scratchpadBytes = forward.scratchpadBytes
        source = makeMemory(descriptor.source)
        destination = makeMemory(descriptor.destination)
        userWeights = makeMemory(descriptor.userWeights)
        bias = hasBias ? makeMemory(descriptor.bias) : nil
        scratchpad = makeMemory(descriptor.scratchpadArea)
        forwardWeights = Reorder(user: descriptor.userWeights, buffer: forward.query(dnnl_query_weights_md),
                                 toBuffer: true)
    }

    deinit {
        for memory in [source, destination, userWeights, bias, scratchpad] where memory != nil {
            dnnl_memory_destroy(memory)
        }
        dnnl_stream_destroy(stream)
    }

    /// `y = x ⊛ w (+ bias) (then ReLU)`. `x` `[batch, h, w, cin]` and `y` `[batch, oh, ow, cout]` dense NHWC, `w`
    /// `[kh, kw, cin, cout]`, `scratch` at least `scratchpadBytes`.
    func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias b: UnsafePointer<Float>?,
                 y: UnsafeMutablePointer<Float>, scratch: UnsafeMutableRawPointer) {
        set(userWeights, weight)
        forwardWeights?.run(user: userWeights, on: stream)
        set(source, x)
        set(destination, y)
        var args = [(DNNL_ARG_SRC, source), (DNNL_ARG_WEIGHTS, forwardWeights?.buffer ?? userWeights),
                    (DNNL_ARG_DST, destination)]
        if let b {
            set(bias, b)
            args.append((DNNL_ARG_BIAS, bias))
        }
        forward.run(args, on: stream, threads: threads, scratchpad: scratchpad, scratch)
    }

    /// Creates the backward primitives (once): call before the first `backwardData`/`backwardWeights`, then
    /// size the scratch by `scratchpadBytes`.
    func prepareBackward() {
        guard backward == nil else { return }
        omp_set_num_threads(Int32(threads))
        let data = Primitive(backwardData: descriptor, hint: forward)
        let weights = Primitive(backwardWeights: descriptor, hint: forward)
        let layout = data.query(dnnl_query_weights_md)
        if forwardWeights?.holds(layout) != true {
            dataWeights = Reorder(user: descriptor.userWeights, buffer: layout, toBuffer: true)
        }
        weightGradient = Reorder(user: descriptor.userWeights, buffer: weights.query(dnnl_query_diff_weights_md),
                                 toBuffer: false)
        scratchpadBytes = max(scratchpadBytes, data.scratchpadBytes, weights.scratchpadBytes)
        backward = (data, weights)
    }

    /// `dx = dy ⊛ᵀ w` (overwrites `dx`) after a `forward` with the same weights. Layouts as in `forward`.
    func backwardData(dy: UnsafePointer<Float>, weight: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                      scratch: UnsafeMutableRawPointer) {
        guard let (data, _) = backward else { preconditionFailure("prepareBackward before backwardData") }
        set(userWeights, weight)
        let weights: dnnl_memory_t?
        if let dataWeights {
            dataWeights.run(user: userWeights, on: stream)
            weights = dataWeights.buffer
        } else {
            weights = forwardWeights?.buffer ?? userWeights   // the forward call's copy of the same weights
        }
        set(source, dx)
        set(destination, dy)
        data.run([(DNNL_ARG_DIFF_SRC, source), (DNNL_ARG_WEIGHTS, weights), (DNNL_ARG_DIFF_DST, destination)],
                 on: stream, threads: threads, scratchpad: scratchpad, scratch)
    }

    /// `dw = Σ_batch xᵀ ⊛ dy` (overwrites `dw`, HWIO). Layouts as in `forward`.
    func backwardWeights(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
                         scratch: UnsafeMutableRawPointer) {
        guard let (_, weights) = backward else { preconditionFailure("prepareBackward before backwardWeights") }
        set(source, x)
        set(destination, dy)
        set(userWeights, dw)
        weights.run([(DNNL_ARG_SRC, source), (DNNL_ARG_DIFF_DST, destination),
                     (DNNL_ARG_DIFF_WEIGHTS, weightGradient?.buffer ?? userWeights)],
                    on: stream, threads: threads, scratchpad: scratchpad, scratch)
        weightGradient?.run(user: userWeights, on: stream)
    }
}

/// The convolution's operation descriptors' inputs: memory descriptors in the engine's layouts, strides, padding.
private struct Descriptor {
    var source = dnnl_memory_desc_t(), destination = dnnl_memory_desc_t()
    var userWeights = dnnl_memory_desc_t(), anyWeights = dnnl_memory_desc_t()
    var bias = dnnl_memory_desc_t(), scratchpadArea = dnnl_memory_desc_t()
    let hasBias: Bool
    let strides: [Int64], padLeft: [Int64], padRight: [Int64]

    init(window: Window, outputChannels: Int, batch: Int, bias hasBias: Bool) {
        let input = window.input, n = Int64(batch), cin = Int64(input.channels), cout = Int64(outputChannels)
        let kh = Int64(window.kernelHeight), kw = Int64(window.kernelWidth), s = Int64(window.stride)
        let oh = Int64(window.outputHeight), ow = Int64(window.outputWidth)
        let top = Int64(window.padTop), left = Int64(window.padLeft)
        strides = [s, s]
        padLeft = [top, left]
        // Rows/columns the last window reaches past the input (negative when VALID leaves some unread).
        padRight = [(oh - 1) * s + kh - Int64(input.height) - top, (ow - 1) * s + kw - Int64(input.width) - left]
        self.hasBias = hasBias
        check(dnnl_memory_desc_init_by_tag(&source, 4, [n, cin, Int64(input.height), Int64(input.width)],
                                           dnnl_f32, dnnl_nhwc), "source descriptor")
        check(dnnl_memory_desc_init_by_tag(&destination, 4, [n, cout, oh, ow], dnnl_f32, dnnl_nhwc),
              "destination descriptor")
        check(dnnl_memory_desc_init_by_tag(&userWeights, 4, [cout, cin, kh, kw], dnnl_f32, dnnl_hwio),
              "weights descriptor")
        check(dnnl_memory_desc_init_by_tag(&anyWeights, 4, [cout, cin, kh, kw], dnnl_f32, dnnl_format_tag_any),
              "weights descriptor")
        check(dnnl_memory_desc_init_by_tag(&bias, 1, [cout], dnnl_f32, dnnl_a), "bias descriptor")
        // A byte buffer of no fixed size: the scratchpad memory object's handle is set to the caller's scratch.
        check(dnnl_memory_desc_init_by_tag(&scratchpadArea, 1, [1], dnnl_u8, dnnl_a), "scratchpad descriptor")
    }
}

/// One primitive with its descriptor.
private final class Primitive {
    let descriptor: dnnl_primitive_desc_t?
    let primitive: dnnl_primitive_t?
    let scratchpadBytes: Int

    convenience init(forward d: Descriptor, relu: Bool) {
        var op = dnnl_convolution_desc_t(), d = d, bias = d.bias
        let status = withUnsafePointer(to: &bias) { bias in
            dnnl_convolution_forward_desc_init(&op, relu ? dnnl_forward_inference : dnnl_forward_training,
                                               dnnl_convolution_direct, &d.source, &d.anyWeights,
                                               d.hasBias ? bias : nil, &d.destination, d.strides, d.padLeft,
                                               d.padRight)
        }
        check(status, "forward convolution")
        self.init(&op, relu: relu, hint: nil)
    }

    convenience init(backwardData d: Descriptor, hint: Primitive) {
        var op = dnnl_convolution_desc_t(), d = d
        check(dnnl_convolution_backward_data_desc_init(&op, dnnl_convolution_direct, &d.source, &d.anyWeights,
                                                       &d.destination, d.strides, d.padLeft, d.padRight),
              "backward-data convolution")
        self.init(&op, relu: false, hint: hint)
    }

    convenience init(backwardWeights d: Descriptor, hint: Primitive) {
        var op = dnnl_convolution_desc_t(), d = d
        check(dnnl_convolution_backward_weights_desc_init(&op, dnnl_convolution_direct, &d.source, &d.anyWeights,
                                                          nil, &d.destination, d.strides, d.padLeft, d.padRight),
              "backward-weights convolution")
        self.init(&op, relu: false, hint: hint)
    }

    private init(_ op: inout dnnl_convolution_desc_t, relu: Bool, hint: Primitive?) {
        var attr: dnnl_primitive_attr_t?
        check(dnnl_primitive_attr_create(&attr), "primitive attributes")
        defer { dnnl_primitive_attr_destroy(attr) }
        check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "scratchpad mode")
        if relu {
            var ops: dnnl_post_ops_t?
            check(dnnl_post_ops_create(&ops), "post-ops")
            defer { dnnl_post_ops_destroy(ops) }
            check(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "ReLU post-op")
            check(dnnl_primitive_attr_set_post_ops(attr, ops), "post-ops")
        }
        var pd: dnnl_primitive_desc_t?
        check(dnnl_primitive_desc_create(&pd, &op, attr, cpuEngine, hint?.descriptor), "convolution descriptor")
        descriptor = pd
        var p: dnnl_primitive_t?
        check(dnnl_primitive_create(&p, pd), "convolution primitive")
        primitive = p
        scratchpadBytes = dnnl_memory_desc_get_size(dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0))
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }

    /// The memory descriptor `what` (a `dnnl_query_*_md`) of this primitive.
    func query(_ what: dnnl_query_t) -> dnnl_memory_desc_t { dnnl_primitive_desc_query_md(descriptor, what, 0).pointee }

    /// Executes with `args` (argument, memory) on `threads` OpenMP threads, the caller's scratch as scratchpad.
    func run(_ args: [(Int32, dnnl_memory_t?)], on stream: dnnl_stream_t?, threads: Int, scratchpad: dnnl_memory_t?,
             _ scratch: UnsafeMutableRawPointer) {
        omp_set_num_threads(Int32(threads))
        var all = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
        if scratchpadBytes > 0 {
            check(dnnl_memory_set_data_handle(scratchpad, scratch), "scratchpad")
            all.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad))
        }
        check(dnnl_primitive_execute(primitive, stream, Int32(all.count), all), "convolution")
    }
}

/// A reorder of weights between the engine's HWIO layout (memory the caller passes) and a primitive's layout (a
/// buffer owned here), in one fixed direction.
private final class Reorder {
    /// The buffer, in `layout`.
    let buffer: dnnl_memory_t?
    let layout: dnnl_memory_desc_t
    private let primitive: dnnl_primitive_t?
    private let toBuffer: Bool

    /// A reorder from `user` to `layout` (`toBuffer`) or back, or nil when the two layouts are the same.
    init?(user: dnnl_memory_desc_t, buffer layout: dnnl_memory_desc_t, toBuffer: Bool) {
        var user = user, layout = layout
        if dnnl_memory_desc_equal(&user, &layout) != 0 { return nil }
        self.layout = layout
        self.toBuffer = toBuffer
        var owned: dnnl_memory_t?
        let allocate = UnsafeMutableRawPointer(bitPattern: -1)   // DNNL_MEMORY_ALLOCATE: oneDNN owns the buffer
        check(dnnl_memory_create(&owned, &layout, cpuEngine, allocate), "weights buffer")
        buffer = owned
        var pd: dnnl_primitive_desc_t?
        omp_set_num_threads(1)   // oneDNN's reorder fixes its thread count when it is created
        let status = toBuffer
            ? dnnl_reorder_primitive_desc_create(&pd, &user, cpuEngine, &layout, cpuEngine, nil)
            : dnnl_reorder_primitive_desc_create(&pd, &layout, cpuEngine, &user, cpuEngine, nil)
        check(status, "weights reorder")
        defer { dnnl_primitive_desc_destroy(pd) }
        var p: dnnl_primitive_t?
        check(dnnl_primitive_create(&p, pd), "weights reorder")
        primitive = p
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_memory_destroy(buffer)
    }

    /// Whether the buffer has layout `md`.
    func holds(_ md: dnnl_memory_desc_t) -> Bool {
        var md = md, layout = layout
        return dnnl_memory_desc_equal(&layout, &md) != 0
    }

    /// Reorders `user` into the buffer or the buffer into `user`, on `stream`, on one thread: a weight tensor is a
    /// few thousand floats, and on a busy machine a two-thread OpenMP region can wait out a whole time slice at its
    /// closing barrier (with the reorders on two threads, reorders of 1,200 floats took up to 48 ms in
    /// `bench train --threads 2`).
    func run(user: dnnl_memory_t?, on stream: dnnl_stream_t?) {
        omp_set_num_threads(1)
        let (from, to) = toBuffer ? (user, buffer) : (buffer, user)
        let args = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to)]
        check(dnnl_primitive_execute(primitive, stream, 2, args), "weights reorder")
    }
}

/// The process's oneDNN CPU engine (thread-safe; each `ConvolutionPrimitives` has its own stream).
nonisolated(unsafe) private let cpuEngine: dnnl_engine_t? = {
    var engine: dnnl_engine_t?
    check(dnnl_engine_create(&engine, dnnl_cpu, 0), "CPU engine")
    return engine
}()

/// A memory object for `md` without data (its handle is set before each use).
private func makeMemory(_ md: dnnl_memory_desc_t) -> dnnl_memory_t? {
    var md = md, memory: dnnl_memory_t?
    check(dnnl_memory_create(&memory, &md, cpuEngine, nil), "memory object")
    return memory
}

private func set(_ memory: dnnl_memory_t?, _ pointer: UnsafePointer<Float>) {
    check(dnnl_memory_set_data_handle(memory, UnsafeMutableRawPointer(mutating: pointer)), "data handle")
}

/// Stops with oneDNN's status when a call fails (these fail only on a bug or an unsupported oneDNN build).
private func check(_ status: dnnl_status_t, _ what: String) {
    precondition(status == dnnl_success, "oneDNN: \(what) failed (dnnl_status_t \(status.rawValue))")
}

/// How `Conv2D` computes on the oneDNN backend (on OpenBLAS it always runs `gemm`).
public enum ConvolutionAlgorithm: String, CaseIterable, Sendable {
    /// im2col (or the input itself for 1×1 stride 1) and `gemm`, or the direct C kernels for a first layer.
    case gemm
    /// oneDNN's convolution primitives (`ConvolutionPrimitives`).
    case primitives

    /// A convolution's passes, which may run different algorithms.
    public enum Pass: Sendable {
        /// The output.
        case forward
        /// The weight gradient and the input gradient.
        case backward
    }

    /// The faster algorithm on the oneDNN backend for `pass` of a convolution over `window` with `outputChannels`
    /// outputs, by shape class: each layer of all five networks timed with each algorithm forced, summed per class
    /// (width 0.25 on one and two threads, 0.125 on two; docs/performance.md, "The convolution rule per pass").
    /// Time of the primitives ÷ the GEMMs', one thread / two:
    /// - stride 1, kernels larger than 1×1 (k×k, 1×n, n×1, the first layer): 0.68 / 0.40, the primitives;
    /// - 1×1 with at most 16 outputs: forward 0.90 / 0.89, backward 1.12 / 1.40: the primitives forward, the
    ///   GEMMs backward;
    /// - other 1×1 with at most 32 inputs: 0.99 / 0.76, the primitives; with more: 1.21 / 1.23, the GEMMs;
    /// - stride 2 (the VALID 3×3 reductions) with at most 16 inputs: 0.96 / 0.58, the primitives; with more:
    ///   1.08 / 0.88, the GEMMs (slower on one thread, the runner's workers' count).
    ///
    /// A convolution runs the primitives backward only where it runs them forward: the backward-data primitive
    /// reuses the weights the forward call reordered.
    static func preferred(for window: Window, outputChannels: Int, pass: Pass) -> ConvolutionAlgorithm {
        let inputs = window.input.channels
        if window.stride > 1 { return inputs <= 16 ? .primitives : .gemm }
        if window.taps > 1 { return .primitives }
        if outputChannels <= 16 { return pass == .forward ? .primitives : .gemm }
        return inputs <= 32 ? .primitives : .gemm
    }

    /// The algorithm forced on the calling task, if any (tests and benchmarks comparing the two).
    @TaskLocal static var forced: ConvolutionAlgorithm?

    /// Runs `body` with every convolution on the oneDNN backend using `algorithm`.
    public static func withAlgorithm<T>(_ algorithm: ConvolutionAlgorithm, _ body: () throws -> T) rethrows -> T {
        try $forced.withValue(algorithm, operation: body)
    }
}
