// Average pooling with a k×k window, stride 1, SAME padding excluded from the mean, and its gradient, one image
// at a time (Sources/Engine/Layers/AvgPool.swift has the layer and the threads), each compiled for AVX-512, AVX2
// and the baseline (vectors.h). Read top to bottom.
//
// An output pixel is the sum of the input pixels its window covers, in the window's row-major order starting from
// zero, times 1/their number; the gradient adds g · 1/number to each of them, output pixel by output pixel.
#include "vectors.h"

// The window's rows [*y0, *y1) and columns [*x0, *x1) inside the image for output pixel (oy, ox).
static inline void window(const ck_pool_geometry *g, long oy, long ox, long *y0, long *y1, long *x0, long *x1) {
    long half = g->size / 2;
    *y0 = oy - half > 0 ? oy - half : 0;
    *y1 = oy + half + 1 < g->height ? oy + half + 1 : g->height;
    *x0 = ox - half > 0 ? ox - half : 0;
    *x1 = ox + half + 1 < g->width ? ox + half + 1 : g->width;
}

static inline __attribute__((always_inline)) void
average_body(int isa, const ck_pool_geometry *g, long image, const float *x, long x_stride, float *y,
             long y_stride) {
    long c = g->channels, first = image * g->height * g->width;
    for (long oy = 0; oy < g->height; oy++)
    for (long ox = 0; ox < g->width; ox++) {
        long y0, y1, x0, x1;
        window(g, oy, ox, &y0, &y1, &x0, &x1);
        float *q = y + (first + oy * g->width + ox) * y_stride, inverse = 1.f / (float)((y1 - y0) * (x1 - x0));
        FOR_VECTORS(isa, j, c, q[j] = 0);
        for (long iy = y0; iy < y1; iy++)
        for (long ix = x0; ix < x1; ix++) {
            const float *p = x + (first + iy * g->width + ix) * x_stride;
            FOR_VECTORS(isa, j, c, q[j] += p[j]);
        }
        FOR_VECTORS(isa, j, c, q[j] *= inverse);
    }
}

static inline __attribute__((always_inline)) void
gradient_body(int isa, const ck_pool_geometry *g, long image, const float *dy, long dy_stride, float *dx,
              long dx_stride, int accumulate) {
    long c = g->channels, first = image * g->height * g->width;
    if (!accumulate)
        for (long i = first; i < first + g->height * g->width; i++) {
            float *d = dx + i * dx_stride;
            FOR_VECTORS(isa, j, c, d[j] = 0);
        }
    for (long oy = 0; oy < g->height; oy++)
    for (long ox = 0; ox < g->width; ox++) {
        long y0, y1, x0, x1;
        window(g, oy, ox, &y0, &y1, &x0, &x1);
        const float *p = dy + (first + oy * g->width + ox) * dy_stride;
        float inverse = 1.f / (float)((y1 - y0) * (x1 - x0));
        for (long iy = y0; iy < y1; iy++)
        for (long ix = x0; ix < x1; ix++) {
            float *d = dx + (first + iy * g->width + ix) * dx_stride;
            FOR_VECTORS(isa, j, c, d[j] += p[j] * inverse);
        }
    }
}

DISPATCH(ck_average_pool, average,
         (const ck_pool_geometry *g, long image, const float *x, long x_stride, float *y, long y_stride),
         (g, image, x, x_stride, y, y_stride))
DISPATCH(ck_average_pool_gradient, gradient,
         (const ck_pool_geometry *g, long image, const float *dy, long dy_stride, float *dx, long dx_stride,
          int accumulate),
         (g, image, dy, dy_stride, dx, dx_stride, accumulate))
