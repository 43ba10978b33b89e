// The residual merge y = max(x + s·r, floor) and its gradient over the pixels of one chunk
// (Sources/Engine/Layers/Residual.swift has the layer, the chunks and the threads), each compiled for AVX-512, AVX2
// and the baseline (vectors.h). Read top to bottom.
#include "vectors.h"

// y = max(x + scale · r, floor); y may be x itself.
static inline __attribute__((always_inline)) void
merge_body(int isa, ck_pixels p, const float *x, long x_stride, const float *r, long r_stride, float *y,
           long y_stride, float scale, float floor) {
    for (long row = p.start, n; row < p.end; row += n / p.channels) {
        n = group_floats(p, row);
        const float *a = x + row * x_stride, *b = r + row * r_stride;
        float *q = y + row * y_stride;
        FOR_VECTORS(isa, j, n, {
            float v = a[j] + scale * b[j];
            q[j] = v < floor ? floor : v;
        });
    }
}

// g = dy, zeroed where `relu` and the merge's output y ≤ 0: dx = g (added when `accumulate`; none when dx is null)
// and dr = scale · g.
static inline __attribute__((always_inline)) void
split_body(int isa, ck_pixels p, const float *dy, long dy_stride, const float *y, long y_stride, int relu,
           float scale, float *dx, long dx_stride, int accumulate, float *dr, long dr_stride) {
    for (long row = p.start, n; row < p.end; row += n / p.channels) {
        n = group_floats(p, row);
        const float *d = dy + row * dy_stride, *o = y + row * y_stride;
        float *q = dx ? dx + row * dx_stride : 0, *e = dr + row * dr_stride;
        // One pass over dy and y; the test of dx outside the loop, where it costs no masked store.
        if (q) FOR_VECTORS(isa, j, n, {
            float g = relu_gradient(d[j], o[j], relu);
            q[j] = accumulated(q[j], g, accumulate);
            e[j] = scale * g;
        });
        else FOR_VECTORS(isa, j, n, e[j] = scale * relu_gradient(d[j], o[j], relu));
    }
}

DISPATCH(ck_residual_merge, merge,
         (ck_pixels p, const float *x, long x_stride, const float *r, long r_stride, float *y, long y_stride,
          float scale, float floor),
         (p, x, x_stride, r, r_stride, y, y_stride, scale, floor))
DISPATCH(ck_residual_split, split,
         (ck_pixels p, const float *dy, long dy_stride, const float *y, long y_stride, int relu, float scale,
          float *dx, long dx_stride, int accumulate, float *dr, long dr_stride),
         (p, dy, dy_stride, y, y_stride, relu, scale, dx, dx_stride, accumulate, dr, dr_stride))
