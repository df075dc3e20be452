#include "CKernels.h"

#include <math.h>

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

#if defined(__x86_64__)
#include <immintrin.h>

/// Up to 4 rows x 16 columns in registers; `rows` is a constant once inlined.
static inline __attribute__((always_inline, target("avx2,fma"))) void block_avx2(int rows, int k0, int k1,
    const float *a, int lda, const float *b, int ldb, float *c, int ldc, int first) {
    __m256 acc[4][2];
    for (int i = 0; i < rows; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    for (int k = k0; k < k1; k++) {
        const __m256 b0 = _mm256_loadu_ps(b + k * ldb), b1 = _mm256_loadu_ps(b + k * ldb + 8);
        for (int i = 0; i < rows; i++) {
            const __m256 x = _mm256_broadcast_ss(a + i * lda + k);
            acc[i][0] = _mm256_fmadd_ps(x, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(x, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < rows; i++) {
        for (int h = 0; h < 2; h++) {
            float *out = c + i * ldc + 8 * h;
            _mm256_storeu_ps(out, first ? acc[i][h] : _mm256_add_ps(_mm256_loadu_ps(out), acc[i][h]));
        }
    }
}

/// Up to 4 rows x 32 columns in registers.
static inline __attribute__((always_inline, target("avx512f"))) void block_avx512(int rows, int k0, int k1,
    const float *a, int lda, const float *b, int ldb, float *c, int ldc, int first) {
    __m512 acc[4][2];
    for (int i = 0; i < rows; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (int k = k0; k < k1; k++) {
        const __m512 b0 = _mm512_loadu_ps(b + k * ldb), b1 = _mm512_loadu_ps(b + k * ldb + 16);
        for (int i = 0; i < rows; i++) {
            const __m512 x = _mm512_set1_ps(a[i * lda + k]);
            acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < rows; i++) {
        for (int h = 0; h < 2; h++) {
            float *out = c + i * ldc + 16 * h;
            _mm512_storeu_ps(out, first ? acc[i][h] : _mm512_add_ps(_mm512_loadu_ps(out), acc[i][h]));
        }
    }
}

/// Rows in groups of 4 (then 3, 2 or 1), columns in tiles of `width`; returns the columns done.
#define TILES(block, width)                                                                                    \
    const int tiled = n / (width) * (width);                                                                  \
    for (int k0 = 0; k0 < k; k0 += k_stride) {                                                                \
        const int k1 = k0 + k_stride < k ? k0 + k_stride : k, first = k0 == 0;                               \
        for (int i = 0; i < m; i += 4) {                                                                      \
            const int rows = m - i < 4 ? m - i : 4;                                                           \
            for (int j = 0; j < tiled; j += (width)) {                                                        \
                const float *ai = a + i * k, *bj = b + j;                                                     \
                float *cij = c + i * ldc + j;                                                                 \
                switch (rows) {                                                                               \
                case 4: block(4, k0, k1, ai, k, bj, ldb, cij, ldc, first); break;                             \
                case 3: block(3, k0, k1, ai, k, bj, ldb, cij, ldc, first); break;                             \
                case 2: block(2, k0, k1, ai, k, bj, ldb, cij, ldc, first); break;                             \
                default: block(1, k0, k1, ai, k, bj, ldb, cij, ldc, first); break;                            \
                }                                                                                             \
            }                                                                                                 \
        }                                                                                                     \
    }                                                                                                         \
    return tiled;

__attribute__((target("avx2,fma"))) static int tiles_avx2(int m, int n, int k, int k_stride, const float *a,
                                                          const float *b, int ldb, float *c, int ldc) {
    TILES(block_avx2, 16)
}

__attribute__((target("avx512f"))) static int tiles_avx512(int m, int n, int k, int k_stride, const float *a,
                                                           const float *b, int ldb, float *c, int ldc) {
    TILES(block_avx512, 32)
}
#endif

void exact_sgemm(int m, int n, int k, int k_stride, const float *a, const float *b, int ldb, float *c, int ldc) {
    int done = 0;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) {
        done = tiles_avx512(m, n, k, k_stride, a, b, ldb, c, ldc);
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        done += tiles_avx2(m, n - done, k, k_stride, a, b + done, ldb, c + done, ldc);
    }
#endif
    for (int k0 = 0; k0 < k; k0 += k_stride) {
        const int k1 = k0 + k_stride < k ? k0 + k_stride : k;
        block_scalar(m, n - done, k0, k1, a, k, b + done, ldb, c + done, ldc, k0 == 0);
    }
}
