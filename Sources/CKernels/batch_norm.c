// BatchNorm's four passes over the pixels of one chunk (Sources/Engine/Layers/BatchNorm.swift has the formulas,
// the chunks and the threads). Read top to bottom.
//
// Each pass is written once, as an always-inlined function whose inner loop runs straight over a group's floats,
// and compiled three times by inlining it into wrappers with the AVX-512, AVX2 and baseline targets; `DISPATCH`
// picks one at run time, so the loops run on 16-float vectors where the processor has them. Floating-point
// contraction is off in this file: a lane of every variant computes what a scalar loop computes, `a * b + c` with
// two roundings, so results do not depend on the processor, and backward recomputes forward's output bit for bit.
#include "ckernels.h"

#pragma clang fp contract(off)

// The inner loops: every iteration independent (no two pointers of a pass overlap within a group), 16 floats at a
// time, the group's floats being a multiple of 16 (see `ck_pixels`) so that no scalar tail runs.
#define GROUP_LOOP _Pragma("clang loop vectorize(assume_safety) vectorize_width(16) vectorize_predicate(enable) interleave_count(1)")

// The floats of the group at pixel `row`: a whole group, or one pixel once fewer than a group are left.
static inline long group_floats(ck_pixels r, long row) {
    return (row + r.group <= r.end ? r.group : 1) * r.channels;
}

// Σ (x − k) and Σ (x − k)² into sum and square_sum.
static inline __attribute__((always_inline)) void
sums_body(ck_pixels r, const float *x, long x_stride, const float *k, float *sum, float *square_sum) {
    for (long row = r.start, n; row < r.end; row += n / r.channels) {
        n = group_floats(r, row);
        const float *p = x + row * x_stride;
        GROUP_LOOP for (long j = 0; j < n; j++) {
            float v = p[j] - k[j];
            sum[j] += v;
            square_sum[j] += v * v;
        }
    }
}

// y = max(x · scale + shift, floor).
static inline __attribute__((always_inline)) void
normalise_body(ck_pixels r, const float *x, long x_stride, float *y, long y_stride, const ck_batch_norm_tiles *t,
               float floor) {
    const float *scale = t->scale, *shift = t->shift;
    for (long row = r.start, n; row < r.end; row += n / r.channels) {
        n = group_floats(r, row);
        const float *p = x + row * x_stride;
        float *q = y + row * y_stride;
        GROUP_LOOP for (long j = 0; j < n; j++) {
            float v = p[j] * scale[j] + shift[j];
            q[j] = v < floor ? floor : v;
        }
    }
}

// g: dy, zero where `relu` and forward's pre-activation x · scale + shift ≤ 0 (where its output was not positive).
#define GRADIENT(j) (relu && p[j] * scale[j] + shift[j] <= 0 ? 0.f : d[j])

// Σ g and Σ g · (x − mean) into sum and product_sum.
static inline __attribute__((always_inline)) void
gradient_sums_body(ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride,
                   const ck_batch_norm_tiles *t, int relu, float *sum, float *product_sum) {
    const float *scale = t->scale, *shift = t->shift, *mean = t->mean;
    for (long row = r.start, n; row < r.end; row += n / r.channels) {
        n = group_floats(r, row);
        const float *p = x + row * x_stride, *d = dy + row * dy_stride;
        GROUP_LOOP for (long j = 0; j < n; j++) {
            float g = GRADIENT(j);
            sum[j] += g;
            product_sum[j] += g * (p[j] - mean[j]);
        }
    }
}

// dx = scale · (g − g_mean − x̂ · g_xhat_mean), x̂ = (x − mean) · inv_std; added to dx when `accumulate`.
static inline __attribute__((always_inline)) void
input_gradient_body(ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride, float *dx,
                    long dx_stride, const ck_batch_norm_tiles *t, int relu, int accumulate) {
    const float *scale = t->scale, *shift = t->shift, *mean = t->mean, *inv_std = t->inv_std;
    const float *g_mean = t->g_mean, *g_xhat_mean = t->g_xhat_mean;
    for (long row = r.start, n; row < r.end; row += n / r.channels) {
        n = group_floats(r, row);
        const float *p = x + row * x_stride, *d = dy + row * dy_stride;
        float *q = dx + row * dx_stride;
        GROUP_LOOP for (long j = 0; j < n; j++) {
            float g = GRADIENT(j);
            float xhat = (p[j] - mean[j]) * inv_std[j];
            float v = scale[j] * (g - g_mean[j] - xhat * g_xhat_mean[j]);
            q[j] = accumulate ? q[j] + v : v;
        }
    }
}

static _Atomic int vectors_cap = CK_VECTORS_AVX512;

int ck_vectors(void) {
    int widest = CK_VECTORS_BASELINE;
#if defined(__x86_64__)
    __builtin_cpu_init();
    widest = __builtin_cpu_supports("avx512f") ? CK_VECTORS_AVX512
           : __builtin_cpu_supports("avx2") ? CK_VECTORS_AVX2 : CK_VECTORS_BASELINE;
#endif
    int cap = vectors_cap;
    return widest < cap ? widest : cap;
}

void ck_cap_vectors(int widest) { vectors_cap = widest; }

// `void ck_batch_norm_NAME PARAMS`, running NAME_body ARGS compiled for the vectors `ck_vectors` names.
#if defined(__x86_64__)
#define DISPATCH(name, params, args)                                                                              \
    static void name##_baseline params { name##_body args; }                                                      \
    __attribute__((target("avx2"))) static void name##_avx2 params { name##_body args; }                          \
    __attribute__((target("avx512f"))) static void name##_avx512 params { name##_body args; }                     \
    void ck_batch_norm_##name params {                                                                            \
        switch (ck_vectors()) {                                                                                   \
        case CK_VECTORS_AVX512: name##_avx512 args; break;                                                        \
        case CK_VECTORS_AVX2: name##_avx2 args; break;                                                            \
        default: name##_baseline args;                                                                            \
        }                                                                                                         \
    }
#else
#define DISPATCH(name, params, args) void ck_batch_norm_##name params { name##_body args; }
#endif

DISPATCH(sums, (ck_pixels r, const float *x, long x_stride, const float *k, float *sum, float *square_sum),
         (r, x, x_stride, k, sum, square_sum))
DISPATCH(normalise, (ck_pixels r, const float *x, long x_stride, float *y, long y_stride,
                     const ck_batch_norm_tiles *t, float floor),
         (r, x, x_stride, y, y_stride, t, floor))
DISPATCH(gradient_sums, (ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride,
                         const ck_batch_norm_tiles *t, int relu, float *sum, float *product_sum),
         (r, x, x_stride, dy, dy_stride, t, relu, sum, product_sum))
DISPATCH(input_gradient, (ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride, float *dx,
                          long dx_stride, const ck_batch_norm_tiles *t, int relu, int accumulate),
         (r, x, x_stride, dy, dy_stride, dx, dx_stride, t, relu, accumulate))
