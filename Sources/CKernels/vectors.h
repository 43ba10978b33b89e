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
// the loop), 16 floats at a time: the whole vectors unmasked, then the last, shorter vector masked rather than run as
// a scalar tail (most loops are a multiple of 16 floats; a strided tensor's pixel is not). The body is written once
// and expanded into both loops. One loop masked throughout would be shorter code, but its every load and store
// would be masked, and an AVX2 masked store (`vmaskmovps`) is microcoded on AMD's Zen 3: BatchNorm took 2–4× its
// time there (docs/performance.md, session 20). AVX-512's masks are free, so there only the tail changes.
#define FOR_VECTORS(j, n, ...)                                                                                     \
    do {                                                                                                           \
        const long count_##j = (n), whole_##j = count_##j / 16 * 16;                                               \
        _Pragma("clang loop vectorize(assume_safety) vectorize_width(16) interleave_count(1)")                     \
        for (long j = 0; j < whole_##j; j++) { __VA_ARGS__; }                                                      \
        _Pragma("clang loop vectorize(assume_safety) vectorize_width(16) vectorize_predicate(enable) interleave_count(1)") \
        for (long j = whole_##j; j < count_##j; j++) { __VA_ARGS__; }                                              \
    } while (0)

// The floats of the group at pixel `row` of `r`: a whole group, or one pixel once fewer than a group are left.
static inline long group_floats(ck_pixels r, long row) {
    return (row + r.group <= r.end ? r.group : 1) * r.channels;
}

// `void PUBLIC PARAMS`, running NAME_body ARGS compiled for the vectors `ck_vectors` names.
#if defined(__x86_64__)
#define DISPATCH(public, name, params, args)                                                                      \
    static void name##_baseline params { name##_body args; }                                                      \
    __attribute__((target("avx2"))) static void name##_avx2 params { name##_body args; }                          \
    __attribute__((target("avx512f"))) static void name##_avx512 params { name##_body args; }                     \
    void public params {                                                                                          \
        switch (ck_vectors()) {                                                                                   \
        case CK_VECTORS_AVX512: name##_avx512 args; break;                                                        \
        case CK_VECTORS_AVX2: name##_avx2 args; break;                                                            \
        default: name##_baseline args;                                                                            \
        }                                                                                                         \
    }
#else
#define DISPATCH(public, name, params, args) void public params { name##_body args; }
#endif

#endif
