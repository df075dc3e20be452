#include "CKernels.h"

#include "vector16.h"

/// Swift's `Quantization.level`, written out for a loop that vectorises: clamp to +-512, round
/// half to even by adding and subtracting 1.5 x 2^23, add the zero point, saturate to int8.
static inline __attribute__((always_inline)) void levels(const float *sums, int count, int offset, float multiplier,
                                                        float zero_point, float *out) {
    const float shift = 12582912.0f;
    for (int i = 0; i < count; i++) {
        // Wrapping, as the int32 addition it stands for.
        float v = (float)(int)((unsigned)(int)sums[i] + (unsigned)offset) * multiplier;
        v = v < -512.0f ? -512.0f : v > 512.0f ? 512.0f : v;
        v = (v + shift) - shift;
        v = v + zero_point;
        out[i] = v < -128.0f ? -128.0f : v > 127.0f ? 127.0f : v;
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
