#include "CKernels.h"

#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define EXACT_SGEMM_X86 1
#endif

/// Any shape, one element at a time: the definition the vector kernels must equal.
static void block_scalar(int rows, int cols, int k0, int k1, const float *a, int lda, const float *b, int ldb,
                         float *c, int ldc, int first) {
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
            float acc = 0.0f;
            for (int k = k0; k < k1; k++) acc = fmaf(a[i * lda + k], b[k * ldb + j], acc);
            c[i * ldc + j] = first ? acc : c[i * ldc + j] + acc;
        }
    }
}

#ifdef EXACT_SGEMM_X86
#define TARGET __attribute__((target("avx2,fma")))

TARGET static inline void finish(float *c, __m256 acc, int first) {
    _mm256_storeu_ps(c, first ? acc : _mm256_add_ps(_mm256_loadu_ps(c), acc));
}

/// 4 rows x 16 columns in registers.
TARGET static void block_4x16(int k0, int k1, const float *a, int lda, const float *b, int ldb, float *c, int ldc,
                              int first) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    for (int k = k0; k < k1; k++) {
        const __m256 b0 = _mm256_loadu_ps(b + k * ldb), b1 = _mm256_loadu_ps(b + k * ldb + 8);
        __m256 x = _mm256_broadcast_ss(a + k);
        c00 = _mm256_fmadd_ps(x, b0, c00);
        c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a + lda + k);
        c10 = _mm256_fmadd_ps(x, b0, c10);
        c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a + 2 * lda + k);
        c20 = _mm256_fmadd_ps(x, b0, c20);
        c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a + 3 * lda + k);
        c30 = _mm256_fmadd_ps(x, b0, c30);
        c31 = _mm256_fmadd_ps(x, b1, c31);
    }
    finish(c, c00, first);
    finish(c + 8, c01, first);
    finish(c + ldc, c10, first);
    finish(c + ldc + 8, c11, first);
    finish(c + 2 * ldc, c20, first);
    finish(c + 2 * ldc + 8, c21, first);
    finish(c + 3 * ldc, c30, first);
    finish(c + 3 * ldc + 8, c31, first);
}

/// 1 row x 16 columns, for the rows left over.
TARGET static void block_1x16(int k0, int k1, const float *a, const float *b, int ldb, float *c, int first) {
    __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
    for (int k = k0; k < k1; k++) {
        const __m256 x = _mm256_broadcast_ss(a + k);
        c0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b + k * ldb), c0);
        c1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b + k * ldb + 8), c1);
    }
    finish(c, c0, first);
    finish(c + 8, c1, first);
}

TARGET static void exact_sgemm_avx2(int m, int n, int k, int k_stride, const float *a, const float *b, int ldb,
                                    float *c, int ldc) {
    const int wide = n / 16 * 16;
    for (int k0 = 0; k0 < k; k0 += k_stride) {
        const int k1 = k0 + k_stride < k ? k0 + k_stride : k, first = k0 == 0;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            for (int j = 0; j < wide; j += 16) block_4x16(k0, k1, a + i * k, k, b + j, ldb, c + i * ldc + j, ldc, first);
        }
        for (; i < m; i++) {
            for (int j = 0; j < wide; j += 16) block_1x16(k0, k1, a + i * k, b + j, ldb, c + i * ldc + j, first);
        }
        block_scalar(m, n - wide, k0, k1, a, k, b + wide, ldb, c + wide, ldc, first);
    }
}
#endif

void exact_sgemm(int m, int n, int k, int k_stride, const float *a, const float *b, int ldb, float *c, int ldc) {
#ifdef EXACT_SGEMM_X86
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        exact_sgemm_avx2(m, n, k, k_stride, a, b, ldb, c, ldc);
        return;
    }
#endif
    for (int k0 = 0; k0 < k; k0 += k_stride) {
        const int k1 = k0 + k_stride < k ? k0 + k_stride : k;
        block_scalar(m, n, k0, k1, a, k, b, ldb, c, ldc, k0 == 0);
    }
}
