#include "CKernels.h"
#include "vector16.h"

/// e^x for x <= 0 to within about 1 ulp (Cephes' expf: x = n ln 2 + r with |r| <= ln 2 / 2,
/// e^r by a degree-6 polynomial, 2^n from the exponent bits). Below -87, where e^x is no longer
/// a normal float, the result is e^-87: next to a row's largest term, 1, it is nothing.
static inline __attribute__((always_inline)) v16 exp16(v16 x) {
    x = __builtin_elementwise_max(x, (v16)-87.0f);
    const v16 n = __builtin_elementwise_floor(x * 1.44269504088896341f + 0.5f);
    const v16 r = x - n * 0.693359375f - n * -2.12194440e-4f;
    v16 p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const v16i exponent = (__builtin_convertvector(n, v16i) + 127) << 23;
    return p * (v16)exponent;
}

static inline __attribute__((always_inline)) void rows(float *scores, int count, int length) {
    const int whole = length / 16 * 16;
    for (int row = 0; row < count; row++) {
        float *x = scores + (long)row * length;
        v16 peaks = -__builtin_inff();
        for (int i = 0; i < whole; i += 16) peaks = __builtin_elementwise_max(peaks, load16(x + i));
        float peak = __builtin_reduce_max(peaks);
        for (int i = whole; i < length; i++) peak = x[i] > peak ? x[i] : peak;
        v16 sums = 0.0f;
        for (int i = 0; i < whole; i += 16) {
            const v16 e = exp16(load16(x + i) - peak);
            store16(x + i, e);
            sums += e;
        }
        float sum = 0.0f;
        for (int lane = 0; lane < 16; lane++) sum += sums[lane];
        for (int i = whole; i < length; i++) {
            x[i] = exp16((v16)(x[i] - peak))[0];
            sum += x[i];
        }
        const float inverse = 1.0f / sum;
        for (int i = 0; i < whole; i += 16) store16(x + i, load16(x + i) * inverse);
        for (int i = whole; i < length; i++) x[i] *= inverse;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void rows_avx512(float *scores, int count, int length) {
    rows(scores, count, length);
}
__attribute__((target("avx2,fma"))) static void rows_avx2(float *scores, int count, int length) {
    rows(scores, count, length);
}
#endif

void softmax_rows(float *scores, int count, int length) { DISPATCH(rows, (scores, count, length)) }
