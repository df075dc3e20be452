#ifndef CKERNELS_VECTOR16_H
#define CKERNELS_VECTOR16_H

#include "CKernels.h"

#include <string.h>

// Vectors pass between functions that are always inlined into one compiled for AVX-512 or for
// AVX2, so no vector ever crosses a call: the ABI difference clang warns about cannot arise.
#pragma clang diagnostic ignored "-Wpsabi"

/// Sixteen floats side by side. Kernels are written once with clang's vector extensions and
/// compiled for AVX-512 and for AVX2, where each vector is two registers.
typedef float v16 __attribute__((ext_vector_type(16)));
typedef int v16i __attribute__((ext_vector_type(16)));

static inline __attribute__((always_inline)) v16 load16(const float *p) {
    v16 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) void store16(float *p, v16 v) { memcpy(p, &v, sizeof v); }

/// The first `lanes` of `v`, the rest of the destination untouched.
static inline __attribute__((always_inline)) void store_lanes(float *p, v16 v, int lanes) {
    if (lanes == 16) {
        store16(p, v);
    } else {
        float lane[16];
        store16(lane, v);
        memcpy(p, lane, (size_t)lanes * sizeof(float));
    }
}

/// Calls `name_avx512` or `name_avx2`, the kernel `name` compiled for the processor's vectors.
#if defined(__x86_64__)
#define DISPATCH(name, arguments)                                                                              \
    if (kernels_use_avx512()) {                                                                                 \
        name##_avx512 arguments;                                                                               \
    } else {                                                                                                   \
        name##_avx2 arguments;                                                                                 \
    }
#else
#define DISPATCH(name, arguments) name arguments;
#endif

#endif
