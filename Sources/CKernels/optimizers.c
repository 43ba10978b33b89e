// The optimizers' per-element updates and the gradient transforms over one parameter (Sources/Engine/Optimizers
// has the rules, their TensorFlow semantics and the threads), each compiled for AVX-512, AVX2 and the baseline
// (vectors.h). Read top to bottom.
#include "vectors.h"
#include <math.h>

// ms = ρ·ms + (1 − ρ)·g²; mom = μ·mom + lr·g / √(ms + ε); w −= mom.
static inline __attribute__((always_inline)) void
rmsprop_body(int isa, long count, float *w, const float *g, float *ms, float *mom, float lr, float rho, float mu,
             float eps) {
    FOR_VECTORS(isa, i, count, {
        ms[i] = rho * ms[i] + (1 - rho) * g[i] * g[i];
        mom[i] = mu * mom[i] + lr * g[i] / sqrtf(ms[i] + eps);
        w[i] -= mom[i];
    });
}

// v = μ·v + g; w −= lr·v.
static inline __attribute__((always_inline)) void
momentum_body(int isa, long count, float *w, const float *g, float *v, float lr, float mu) {
    FOR_VECTORS(isa, i, count, {
        v[i] = mu * v[i] + g[i];
        w[i] -= lr * v[i];
    });
}

// g += rate · w.
static inline __attribute__((always_inline)) void
decay_body(int isa, long count, float *g, const float *w, float rate) {
    FOR_VECTORS(isa, i, count, g[i] += rate * w[i]);
}

// Σ g², as 16 running sums (g[16k + l] into sum l) added in order at the end: one association on every processor.
static inline __attribute__((always_inline)) void
squares_body(int isa, long count, const float *g, float *result) {
    float sums[16] = {0};
    long whole = count / 16 * 16;
    for (long i = 0; i < whole; i += 16)
        for (long l = 0; l < 16; l++) sums[l] += g[i + l] * g[i + l];
    for (long i = whole; i < count; i++) sums[i - whole] += g[i] * g[i];
    float total = 0;
    for (long l = 0; l < 16; l++) total += sums[l];
    *result = total;
}

DISPATCH(ck_rmsprop_update, rmsprop,
         (long count, float *w, const float *g, float *ms, float *mom, float lr, float rho, float mu, float eps),
         (count, w, g, ms, mom, lr, rho, mu, eps))
DISPATCH(ck_momentum_update, momentum, (long count, float *w, const float *g, float *v, float lr, float mu),
         (count, w, g, v, lr, mu))
DISPATCH(ck_weight_decay, decay, (long count, float *g, const float *w, float rate), (count, g, w, rate))
DISPATCH(ck_sum_of_squares, squares, (long count, const float *g, float *result), (count, g, result))
