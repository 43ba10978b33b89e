// oneDNN (Debian: libdnnl-dev, OpenMP threading) and the two OpenMP calls that size its thread pool. Debian's
// oneDNN ships no pkg-config file; libgomp comes with the C compiler (libgcc-12-dev).
#include <oneapi/dnnl/dnnl.h>

/// Sets the number of OpenMP threads of the following parallel regions of the calling thread (OpenMP API).
void omp_set_num_threads(int count);
/// The number of OpenMP threads a parallel region would use (OpenMP API).
int omp_get_max_threads(void);

/// Runs `body(data)` on `threads` OpenMP threads, the caller among them, and returns when all have: libgomp's entry
/// point for a parallel region (what GCC emits for `#pragma omp parallel`; oneDNN's regions use the same threads).
/// `flags` 0.
void GOMP_parallel(void (*body)(void *data), void *data, unsigned threads, unsigned flags);
