#include "CKernels.h"
#include "vector16.h"

static inline __attribute__((always_inline)) void row(const float *top, const float *bottom, int width, float *out) {
    const int pairs = width / 2;
    int x = 0;
    for (; x + 16 <= pairs; x += 16) {
        const v16 low = __builtin_elementwise_max(load16(top + 2 * x), load16(bottom + 2 * x));
        const v16 high = __builtin_elementwise_max(load16(top + 2 * x + 16), load16(bottom + 2 * x + 16));
        const v16 even = __builtin_shufflevector(low, high, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        const v16 odd = __builtin_shufflevector(low, high, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        store16(out + x, __builtin_elementwise_max(even, odd));
    }
    for (; x < pairs; x++) {
        const float left = top[2 * x] > bottom[2 * x] ? top[2 * x] : bottom[2 * x];
        const float right = top[2 * x + 1] > bottom[2 * x + 1] ? top[2 * x + 1] : bottom[2 * x + 1];
        out[x] = left > right ? left : right;
    }
    if (width % 2) out[pairs] = top[width - 1] > bottom[width - 1] ? top[width - 1] : bottom[width - 1];
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void row_avx512(const float *t, const float *b, int w, float *o) {
    row(t, b, w, o);
}
__attribute__((target("avx2,fma"))) static void row_avx2(const float *t, const float *b, int w, float *o) {
    row(t, b, w, o);
}
#endif

void max_pool_row(const float *top, const float *bottom, int width, float *out) {
    DISPATCH(row, (top, bottom, width, out))
}
