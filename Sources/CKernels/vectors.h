// What the elementwise kernels (batch_norm.c, residual.c, average_pool.c, optimizers.c) share: the run-time choice
// among AVX-512, AVX2 and the baseline, the vector loop, and the size of a chunk's groups.
//
// A kernel is written once, as an always-inlined function NAME_body whose inner loops run straight over floats,
// and `DISPATCH` compiles it three times by inlining it into wrappers with the AVX-512, AVX2 and baseline targets
// (a function without a target attribute inlined into one with it compiles for that target), and defines the
// public function that calls the variant `ck_vectors` names. Files that include this header turn floating-point
// contraction off: a lane of every variant computes what a scalar loop computes, `a * b + c` with two roundings, so
// results do not depend on the processor.
#ifndef CKERNELS_VECTORS_H
#define CKERNELS_VECTORS_H

#include "ckernels.h"

#pragma clang fp contract(off)

// An inner loop over `j` from 0 to `n` whose iterations are independent (no two pointers of a kernel overlap within
// the loop), for the instruction set `isa` (a `CK_VECTORS_*`, a constant once a body is inlined into its variant):
// 16 floats at a time, the whole vectors unmasked, then what is left, fewer than 16 floats. Most loops are a
// multiple of 16 floats; a strided tensor's pixel (4–48 floats at width 0.125) or a pooled pixel is not. AVX-512
// runs the rest as one masked vector, its masks free. AVX2 and the baseline run it 4 floats at a time and the last
// 1–3 as scalars: an AVX2 masked store (`vmaskmovps`) is microcoded on AMD's Zen 3, where masking every iteration
// gave BatchNorm 2–4× its time, and masking only the rest 1.4–2.4× (docs/performance.md, sessions 20 and 21). The
// body is written once and expanded into each loop.
#define FOR_VECTORS(isa, j, n, ...)                                                                                \
    do {                                                                                                           \
        const long count_##j = (n), whole_##j = count_##j / 16 * 16;                                               \
        _Pragma("clang loop vectorize(assume_safety) vectorize_width(16) interleave_count(1)")                     \
        for (long j = 0; j < whole_##j; j++) { __VA_ARGS__; }                                                      \
        if ((isa) == CK_VECTORS_AVX512) {                                                                          \
            _Pragma("clang loop vectorize(assume_safety) vectorize_width(16) vectorize_predicate(enable) interleave_count(1)") \
            for (long j = whole_##j; j < count_##j; j++) { __VA_ARGS__; }                                          \
        } else {                                                                                                   \
            _Pragma("clang loop vectorize(assume_safety) vectorize_width(4) interleave_count(1)")                  \
            for (long j = whole_##j; j < count_##j; j++) { __VA_ARGS__; }                                          \
        }                                                                                                          \
    } while (0)

// The floats of the group at pixel `row` of `r`: a whole group, or one pixel once fewer than a group are left.
static inline long group_floats(ck_pixels r, long row) {
    return (row + r.group <= r.end ? r.group : 1) * r.channels;
}

// dy where the ReLU let the gradient through (`relu` off, or its output `y` positive), else 0. A function rather
// than an expression so that every operand is read whatever the condition: the vector loops select instead of
// loading through a mask.
static inline float relu_gradient(float dy, float y, int relu) { return relu && y <= 0 ? 0.f : dy; }

// old + v when `accumulate`, else v; `old` read either way, as in `relu_gradient`.
static inline float accumulated(float old, float v, int accumulate) { return accumulate ? old + v : v; }

// `void PUBLIC PARAMS`, running NAME_body(ISA, ARGS...) compiled for the vectors `ck_vectors` names, ISA the
// `CK_VECTORS_*` of the copy (the body's first parameter, which it passes to `FOR_VECTORS`).
#define ARGUMENTS(...) __VA_ARGS__
#if defined(__x86_64__)
#define DISPATCH(public, name, params, args)                                                                      \
    static void name##_baseline params { name##_body(CK_VECTORS_BASELINE, ARGUMENTS args); }                      \
    __attribute__((target("avx2"))) static void name##_avx2 params {                                              \
        name##_body(CK_VECTORS_AVX2, ARGUMENTS args);                                                             \
    }                                                                                                             \
    __attribute__((target("avx512f"))) static void name##_avx512 params {                                         \
        name##_body(CK_VECTORS_AVX512, ARGUMENTS args);                                                           \
    }                                                                                                             \
    void public params {                                                                                          \
        switch (ck_vectors()) {                                                                                   \
        case CK_VECTORS_AVX512: name##_avx512 args; break;                                                        \
        case CK_VECTORS_AVX2: name##_avx2 args; break;                                                            \
        default: name##_baseline args;                                                                            \
        }                                                                                                         \
    }
#else
#define DISPATCH(public, name, params, args)                                                                      \
    void public params { name##_body(CK_VECTORS_BASELINE, ARGUMENTS args); }
#endif

#endif
