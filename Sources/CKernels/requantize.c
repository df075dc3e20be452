#include "CKernels.h"

#include "vector16.h"

typedef unsigned v16u __attribute__((ext_vector_type(16)));

/// Swift's `Quantization.level` of (sum + offset) x multiplier: clamp to +-512, round half to
/// even by adding and subtracting 1.5 x 2^23, add the zero point, saturate to int8. The integer
/// addition wraps, as the int32 one it stands for. Written with explicit vectors, because the
/// output is usually the input itself, which would keep a compiler's own vectorisation off.
static inline __attribute__((always_inline)) v16 level16(v16 sums, int offset, float multiplier, float zero_point) {
    const v16u total = __builtin_convertvector(__builtin_convertvector(sums, v16i), v16u) + (unsigned)offset;
    v16 v = __builtin_convertvector(__builtin_convertvector(total, v16i), v16) * multiplier;
    v = __builtin_elementwise_min(__builtin_elementwise_max(v, (v16)-512.0f), (v16)512.0f);
    v = (v + 12582912.0f) - 12582912.0f;
    return __builtin_elementwise_min(__builtin_elementwise_max(v + zero_point, (v16)-128.0f), (v16)127.0f);
}

static inline __attribute__((always_inline)) void levels(const float *sums, int count, int offset, float multiplier,
                                                        float zero_point, float *out) {
    int i = 0;
    for (; i + 16 <= count; i += 16) store16(out + i, level16(load16(sums + i), offset, multiplier, zero_point));
    if (i < count) {
        float lanes[16] = {0};
        memcpy(lanes, sums + i, (size_t)(count - i) * sizeof(float));
        store_lanes(out + i, level16(load16(lanes), offset, multiplier, zero_point), count - i);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void levels_avx512(const float *s, int n, int o, float m, float z, float *out) {
    levels(s, n, o, m, z, out);
}

__attribute__((target("avx2,fma"))) static void levels_avx2(const float *s, int n, int o, float m, float z, float *out) {
    levels(s, n, o, m, z, out);
}
#endif

void requantize_sums(const float *sums, int count, int offset, float multiplier, float zero_point, float *out) {
    DISPATCH(levels, (sums, count, offset, multiplier, zero_point, out))
}
