#include "CKernels.h"

/// Row by row: each row of C stays in cache while the rows of B stream past, and the inner
/// loop vectorises. Integer sums are exact in any order, so only speed is at stake.
static inline __attribute__((always_inline)) void igemm(int m, int n, int k, const int16_t *a, const int16_t *b,
                                                        int ldb, int32_t *c, int ldc) {
    for (int i = 0; i < m; i++) {
        int32_t *row = c + (long)i * ldc;
        for (int j = 0; j < n; j++) row[j] = 0;
        for (int p = 0; p < k; p++) {
            const int32_t weight = a[(long)i * k + p];
            const int16_t *column = b + (long)p * ldb;
            if (weight == 0) continue;
            for (int j = 0; j < n; j++) row[j] += weight * (int32_t)column[j];
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void igemm_avx2(int m, int n, int k, const int16_t *a, const int16_t *b, int ldb,
                                                        int32_t *c, int ldc) {
    igemm(m, n, k, a, b, ldb, c, ldc);
}
#endif

void exact_igemm(int m, int n, int k, const int16_t *a, const int16_t *b, int ldb, int32_t *c, int ldc) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) {
        igemm_avx2(m, n, k, a, b, ldb, c, ldc);
        return;
    }
#endif
    igemm(m, n, k, a, b, ldb, c, ldc);
}
