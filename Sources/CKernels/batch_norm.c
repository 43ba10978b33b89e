// BatchNorm's four passes over the pixels of one chunk (Sources/Engine/Layers/BatchNorm.swift has the formulas,
// the chunks and the threads), each compiled for AVX-512, AVX2 and the baseline (vectors.h). Read top to bottom.
// Without contraction, backward recomputes forward's pre-activation bit for bit.
#include "vectors.h"

// Σ (x − k) and Σ (x − k)² into sum and square_sum.
static inline __attribute__((always_inline)) void
sums_body(int isa, ck_pixels r, const float *x, long x_stride, const float *k, float *sum, float *square_sum) {
    for (long row = r.start, n; row < r.end; row += n / r.channels) {
        n = group_floats(r, row);
        const float *p = x + row * x_stride;
        FOR_VECTORS(isa, j, n, {
            float v = p[j] - k[j];
            sum[j] += v;
            square_sum[j] += v * v;
        });
    }
}

// y = max(x · scale + shift, floor).
static inline __attribute__((always_inline)) void
normalise_body(int isa, ck_pixels r, const float *x, long x_stride, float *y, long y_stride,
               const ck_batch_norm_tiles *t, float floor) {
    const float *scale = t->scale, *shift = t->shift;
    for (long row = r.start, n; row < r.end; row += n / r.channels) {
        n = group_floats(r, row);
        const float *p = x + row * x_stride;
        float *q = y + row * y_stride;
        FOR_VECTORS(isa, j, n, {
            float v = p[j] * scale[j] + shift[j];
            q[j] = v < floor ? floor : v;
        });
    }
}

// g: dy, zero where `relu` and forward's pre-activation x · scale + shift ≤ 0 (where its output was not positive).
#define GRADIENT(j) relu_gradient(d[j], p[j] * scale[j] + shift[j], relu)

// Σ g and Σ g · (x − mean) into sum and product_sum.
static inline __attribute__((always_inline)) void
gradient_sums_body(int isa, ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride,
                   const ck_batch_norm_tiles *t, int relu, float *sum, float *product_sum) {
    const float *scale = t->scale, *shift = t->shift, *mean = t->mean;
    for (long row = r.start, n; row < r.end; row += n / r.channels) {
        n = group_floats(r, row);
        const float *p = x + row * x_stride, *d = dy + row * dy_stride;
        FOR_VECTORS(isa, j, n, {
            float g = GRADIENT(j);
            sum[j] += g;
            product_sum[j] += g * (p[j] - mean[j]);
        });
    }
}

// dx = scale · (g − g_mean − x̂ · g_xhat_mean), x̂ = (x − mean) · inv_std; added to dx when `accumulate`.
static inline __attribute__((always_inline)) void
input_gradient_body(int isa, ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride,
                    float *dx, long dx_stride, const ck_batch_norm_tiles *t, int relu, int accumulate) {
    const float *scale = t->scale, *shift = t->shift, *mean = t->mean, *inv_std = t->inv_std;
    const float *g_mean = t->g_mean, *g_xhat_mean = t->g_xhat_mean;
    for (long row = r.start, n; row < r.end; row += n / r.channels) {
        n = group_floats(r, row);
        const float *p = x + row * x_stride, *d = dy + row * dy_stride;
        float *q = dx + row * dx_stride;
        FOR_VECTORS(isa, j, n, {
            float g = GRADIENT(j);
            float xhat = (p[j] - mean[j]) * inv_std[j];
            float v = scale[j] * (g - g_mean[j] - xhat * g_xhat_mean[j]);
            q[j] = accumulated(q[j], v, accumulate);
        });
    }
}

DISPATCH(ck_batch_norm_sums, sums,
         (ck_pixels r, const float *x, long x_stride, const float *k, float *sum, float *square_sum),
         (r, x, x_stride, k, sum, square_sum))
DISPATCH(ck_batch_norm_normalise, normalise,
         (ck_pixels r, const float *x, long x_stride, float *y, long y_stride, const ck_batch_norm_tiles *t,
          float floor),
         (r, x, x_stride, y, y_stride, t, floor))
DISPATCH(ck_batch_norm_gradient_sums, gradient_sums,
         (ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride, const ck_batch_norm_tiles *t,
          int relu, float *sum, float *product_sum),
         (r, x, x_stride, dy, dy_stride, t, relu, sum, product_sum))
DISPATCH(ck_batch_norm_input_gradient, input_gradient,
         (ck_pixels r, const float *x, long x_stride, const float *dy, long dy_stride, float *dx, long dx_stride,
          const ck_batch_norm_tiles *t, int relu, int accumulate),
         (r, x, x_stride, dy, dy_stride, dx, dx_stride, t, relu, accumulate))
