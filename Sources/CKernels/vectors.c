// The run-time choice of the elementwise kernels' instruction set (vectors.h).
#include "ckernels.h"

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
