// Direct convolution kernels for layers with few input channels (a network's first layer), where im2col writes
// one float per tap and the weight gradient is a skinny GEMM. Read top to bottom.
//
// Each kernel is written once, as an always-inlined function on 8-float vectors (GCC/Clang vector extensions), and
// compiled twice by inlining it into two wrappers: one with the AVX2+FMA target attribute, chosen at run time on
// x86-64 CPUs that have them, and one for the baseline target. (A function without a target attribute may be
// inlined into one with it, and then compiles for that target.) `a * b + c` in one expression is contracted to an
// FMA where the target has one.
#include "ckernels.h"
#include <string.h>

// Eight floats, aligned like a float so that any float pointer may be read or written as one. The vector helpers
// are one-line macros: a function taking or returning a vector has a calling convention that differs between AVX2
// and the baseline, and Clang warns of it (-Wpsabi) even where the function is always inlined.
typedef float v8 __attribute__((vector_size(32), aligned(4)));
#define load8(p) (*(const v8 *)(p))
#define store8(p, v) (*(v8 *)(p) = (v))
#define splat8(s) ((v8){0} + (s))

// For tap column kx: the output columns [*lo, *hi) whose input column ox·stride + kx − pad_left is in the image.
static inline void valid_columns(const ck_conv_geometry *g, long kx, long *lo, long *hi) {
    long shift = kx - g->pad_left, s = g->stride;
    *lo = shift >= 0 ? 0 : (-shift + s - 1) / s;
    long end = (g->in_width - shift + s - 1) / s;
    *hi = end < g->out_width ? end : g->out_width;
}

// Output row by output row. For every output pixel, the output channels go in groups of up to 4 vectors whose
// accumulators stay in registers (loops over them have a constant trip count), summing x · w over the taps whose
// input pixel is inside the image.
static inline __attribute__((always_inline)) void
forward_body(const ck_conv_geometry *g, const float *x, const float *w, float *y, int accumulate) {
    long cout = g->out_channels, cin = g->in_channels, taps = g->kernel_height * g->kernel_width;
    long vectors = cout / 8, sx = g->stride * g->in_stride;
    for (long n = 0; n < g->batch; n++)
    for (long oy = 0; oy < g->out_height; oy++) {
        const float *tap_x[taps]; const float *tap_w[taps]; long lo[taps], hi[taps], count = 0;
        for (long ky = 0; ky < g->kernel_height; ky++) {
            long iy = oy * g->stride + ky - g->pad_top;
            if (iy < 0 || iy >= g->in_height) continue;
            for (long kx = 0; kx < g->kernel_width; kx++) {
                valid_columns(g, kx, &lo[count], &hi[count]);
                tap_x[count] = x + ((n * g->in_height + iy) * g->in_width + kx - g->pad_left) * g->in_stride;
                tap_w[count] = w + (ky * g->kernel_width + kx) * cin * cout;
                count++;
            }
        }
        for (long ox0 = 0; ox0 < g->out_width; ox0 += 2) {    /* two output pixels share the weight loads */
            long pair = g->out_width - ox0 < 2 ? 1 : 2;
            float *yp0 = y + ((n * g->out_height + oy) * g->out_width + ox0) * g->out_stride;
            float *yp1 = yp0 + (pair - 1) * g->out_stride;
            for (long v0 = 0; v0 < vectors; v0 += 4) {
                long nv = vectors - v0;
                v8 a0[4], a1[4];
                for (long v = 0; v < 4; v++) {
                    a0[v] = v < nv && accumulate ? load8(yp0 + 8 * (v0 + v)) : splat8(0.f);
                    a1[v] = v < nv && accumulate ? load8(yp1 + 8 * (v0 + v)) : splat8(0.f);
                }
                for (long t = 0; t < count; t++) {
                    int in0 = ox0 >= lo[t] && ox0 < hi[t], in1 = pair == 2 && ox0 + 1 >= lo[t] && ox0 + 1 < hi[t];
                    const float *xp = tap_x[t] + ox0 * sx, *wp = tap_w[t] + 8 * v0;
                    for (long ci = 0; ci < cin; ci++) {
                        v8 x0 = splat8(in0 ? xp[ci] : 0.f), x1 = splat8(in1 ? xp[sx + ci] : 0.f);
                        for (long v = 0; v < 4; v++) if (v < nv) {
                            v8 wv = load8(wp + ci * cout + 8 * v);
                            a0[v] = x0 * wv + a0[v];
                            a1[v] = x1 * wv + a1[v];
                        }
                    }
                }
                for (long v = 0; v < 4; v++) if (v < nv) {
                    store8(yp0 + 8 * (v0 + v), a0[v]);
                    if (pair == 2) store8(yp1 + 8 * (v0 + v), a1[v]);
                }
            }
            for (long p = 0; p < pair; p++) {                  /* the last cout % 8 channels */
                long ox = ox0 + p;
                float *yp = p == 0 ? yp0 : yp1;
                for (long co = 8 * vectors; co < cout; co++) {
                    float s = accumulate ? yp[co] : 0;
                    for (long t = 0; t < count; t++) {
                        if (ox < lo[t] || ox >= hi[t]) continue;
                        for (long ci = 0; ci < cin; ci++) s += tap_x[t][ox * sx + ci] * tap_w[t][ci * cout + co];
                    }
                    yp[co] = s;
                }
            }
        }
    }
}

// Image by image into `partial`, output row by output row: for every (tap, input channel) row of dW, the output
// columns whose input is inside the image are summed with up to 4 vector accumulators (32 output channels) in
// registers, then added to the row's partial sums. After the image, partial is added to dw.
static inline __attribute__((always_inline)) void
weight_gradient_body(const ck_conv_geometry *g, const float *x, const float *dy, float *partial, float *dw) {
    long cout = g->out_channels, cin = g->in_channels, k = g->kernel_height * g->kernel_width * cin;
    long vectors = cout / 8, sx = g->stride * g->in_stride, sy = g->out_stride;
    memset(dw, 0, sizeof(float) * k * cout);
    for (long n = 0; n < g->batch; n++) {
        memset(partial, 0, sizeof(float) * k * cout);
        for (long oy = 0; oy < g->out_height; oy++) {
            const float *dyrow = dy + (n * g->out_height + oy) * g->out_width * sy;
            for (long ky = 0; ky < g->kernel_height; ky++) {
                long iy = oy * g->stride + ky - g->pad_top;
                if (iy < 0 || iy >= g->in_height) continue;
                for (long kx = 0; kx < g->kernel_width; kx++) {
                    long lo, hi;
                    valid_columns(g, kx, &lo, &hi);
                    const float *xrow = x + ((n * g->in_height + iy) * g->in_width + kx - g->pad_left) * g->in_stride;
                    for (long ci = 0; ci < cin; ci++) {
                        float *out = partial + ((ky * g->kernel_width + kx) * cin + ci) * cout;
                        for (long v0 = 0; v0 < vectors; v0 += 4) {
                            long nv = vectors - v0;
                            v8 acc[4] = {splat8(0.f), splat8(0.f), splat8(0.f), splat8(0.f)};
                            for (long ox = lo; ox < hi; ox++) {
                                v8 xv = splat8(xrow[ox * sx + ci]);
                                const float *d = dyrow + ox * sy + 8 * v0;
                                for (long v = 0; v < 4; v++) if (v < nv) acc[v] = xv * load8(d + 8 * v) + acc[v];
                            }
                            for (long v = 0; v < 4; v++)
                                if (v < nv) store8(out + 8 * (v0 + v), load8(out + 8 * (v0 + v)) + acc[v]);
                        }
                        for (long co = 8 * vectors; co < cout; co++) {
                            float s = 0;
                            for (long ox = lo; ox < hi; ox++) s += xrow[ox * sx + ci] * dyrow[ox * sy + co];
                            out[co] += s;
                        }
                    }
                }
            }
        }
        for (long i = 0; i < k * cout; i++) dw[i] += partial[i];
    }
}

static void forward_baseline(const ck_conv_geometry *g, const float *x, const float *w, float *y, int accumulate) {
    forward_body(g, x, w, y, accumulate);
}
static void weight_gradient_baseline(const ck_conv_geometry *g, const float *x, const float *dy, float *partial,
                                     float *dw) {
    weight_gradient_body(g, x, dy, partial, dw);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void forward_avx2(const ck_conv_geometry *g, const float *x, const float *w, float *y, int accumulate) {
    forward_body(g, x, w, y, accumulate);
}
__attribute__((target("avx2,fma")))
static void weight_gradient_avx2(const ck_conv_geometry *g, const float *x, const float *dy, float *partial,
                                 float *dw) {
    weight_gradient_body(g, x, dy, partial, dw);
}
static int has_avx2_fma(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

void ck_conv_small_forward(const ck_conv_geometry *g, const float *x, const float *w, float *y, int accumulate) {
#if defined(__x86_64__)
    if (has_avx2_fma()) { forward_avx2(g, x, w, y, accumulate); return; }
#endif
    forward_baseline(g, x, w, y, accumulate);
}

void ck_conv_small_weight_gradient(const ck_conv_geometry *g, const float *x, const float *dy, float *partial,
                                   float *dw) {
#if defined(__x86_64__)
    if (has_avx2_fma()) { weight_gradient_avx2(g, x, dy, partial, dw); return; }
#endif
    weight_gradient_baseline(g, x, dy, partial, dw);
}
