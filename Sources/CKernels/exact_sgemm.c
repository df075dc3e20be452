#include "CKernels.h"

#include <stdlib.h>

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

/// Rows of A in registers at once on AVX2: six rows by 16 columns of C are 12 of the 16 vector
/// registers, beside two for B and one for the broadcast element of A.
enum { avx2_rows = 6 };

/// A mask of the first `columns` of eight lanes (none when `columns` <= 0).
static inline __attribute__((always_inline, target("avx2"))) __m256i lanes_avx2(int columns) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(columns), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// Eight floats at `p`, or with `masked` only the lanes of `lanes` (zeros in the others, nothing
/// else read).
static inline __attribute__((always_inline, target("avx2,fma"))) __m256 load_avx2(const float *p, int masked,
                                                                                  __m256i lanes) {
    return masked ? _mm256_maskload_ps(p, lanes) : _mm256_loadu_ps(p);
}

/// Up to six rows x 16 columns of C from terms 0 ..< terms (at least one), B and C read and
/// written whole.
static inline __attribute__((always_inline, target("avx2,fma"))) void block_avx2(int rows, int terms, const float *a,
    int lda, const float *b, int ldb, float *c, int ldc, int first) {
    __m256 acc[avx2_rows][2];
    {
        // As on AVX-512: each chain starts at its first term.
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        for (int i = 0; i < rows; i++) {
            const __m256 x = _mm256_broadcast_ss(a + (long)i * lda);
            acc[i][0] = _mm256_fmadd_ps(x, b0, _mm256_setzero_ps());
            acc[i][1] = _mm256_fmadd_ps(x, b1, _mm256_setzero_ps());
        }
    }
    for (int k = 1; k < terms; k++) {
        const __m256 b0 = _mm256_loadu_ps(b + (long)k * ldb), b1 = _mm256_loadu_ps(b + (long)k * ldb + 8);
        for (int i = 0; i < rows; i++) {
            const __m256 x = _mm256_broadcast_ss(a + (long)i * lda + k);
            acc[i][0] = _mm256_fmadd_ps(x, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(x, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < rows; i++) {
        float *out = c + (long)i * ldc;
        if (!first) {
            acc[i][0] = _mm256_add_ps(_mm256_loadu_ps(out), acc[i][0]);
            acc[i][1] = _mm256_add_ps(_mm256_loadu_ps(out + 8), acc[i][1]);
        }
        _mm256_storeu_ps(out, acc[i][0]);
        _mm256_storeu_ps(out + 8, acc[i][1]);
    }
}

/// Up to six rows of C's first `columns` (< 16) columns: the block goes to a 16-column tile,
/// and only the columns that C has are added into it. (Masked loads and stores of C inside the
/// block made clang keep the accumulators on the stack; with the mask flag a variable, every
/// block ran 2.7 times as long.)
static inline __attribute__((always_inline, target("avx2,fma"))) void edge_block_avx2(int rows, int columns,
    int terms, const float *a, int lda, const float *b, int ldb, float *c, int ldc, int first) {
    float tile[avx2_rows * 16];
    block_avx2(rows, terms, a, lda, b, ldb, tile, 16, 1);
    for (int i = 0; i < rows; i++) {
        for (int j = 0; j < columns; j++) {
            c[(long)i * ldc + j] = first ? tile[16 * i + j] : c[(long)i * ldc + j] + tile[16 * i + j];
        }
    }
}

/// Columns of C per panel on AVX2: two blocks of 16, so each block of A's rows is read twice
/// from L1 while it is there.
enum { avx2_panel = 32 };

/// The whole product on AVX2: panels of 32 columns, each gone over by every block of six rows.
/// A panel is copied into rows side by side when its rows lie 1 KB or more apart in B (as on
/// AVX-512) and when it is a partial one, zero-padded, so that the inner loop never reads B
/// through a mask (masked loads there ran at a third of the speed). The sums are in the same
/// order as the AVX-512 kernel's and the scalar definition's.
__attribute__((target("avx2,fma"))) static void product_avx2(int m, int n, int k, int k_stride, const float *a,
                                                            const float *b, int ldb, float *c, int ldc) {
    const int copy_all = ldb >= 256 && m > avx2_rows;
    const size_t panel_floats = avx2_panel * (size_t)(k < k_stride ? k : k_stride);
    float *panel = copy_all || n % 16 ? malloc(sizeof(float) * panel_floats) : NULL;
    for (int k0 = 0; k0 < k; k0 += k_stride) {
        const int k1 = k0 + k_stride < k ? k0 + k_stride : k, first = k0 == 0;
        for (int j = 0; j < n; j += avx2_panel) {
            const int columns = n - j < avx2_panel ? n - j : avx2_panel;
            const float *source = b + (long)k0 * ldb + j;
            int source_stride = ldb;
            if (copy_all || columns % 16) {
                for (int kk = 0; kk < k1 - k0; kk++) {
                    const float *row = b + (long)(k0 + kk) * ldb + j;
                    for (int q = 0; q < avx2_panel; q += 8) {
                        const __m256 v = load_avx2(row + q, columns - q < 8, lanes_avx2(columns - q));
                        _mm256_storeu_ps(panel + avx2_panel * kk + q, v);
                    }
                }
                source = panel;
                source_stride = avx2_panel;
            }
            for (int i = 0; i < m; i += avx2_rows) {
                const float *ai = a + (long)i * k + k0;
                for (int h = 0; h < columns; h += 16) {
                    const int left = columns - h;
                    const float *bh = source + h;
                    float *cij = c + (long)i * ldc + j + h;
                    switch (m - i < avx2_rows ? m - i : avx2_rows) {
#define ROWS(r)                                                                                                \
    case r:                                                                                                    \
        if (left < 16) edge_block_avx2(r, left, k1 - k0, ai, k, bh, source_stride, cij, ldc, first);          \
        else block_avx2(r, k1 - k0, ai, k, bh, source_stride, cij, ldc, first);                               \
        break;
                        ROWS(6) ROWS(5) ROWS(4) ROWS(3) ROWS(2) ROWS(1)
#undef ROWS
                    }
                }
            }
        }
    }
    free(panel);
}

/// Rows of A in registers at once on AVX-512: twelve rows by 32 columns of C are 24 of the 32
/// vector registers.
enum { avx512_rows = 12 };

/// Up to twelve rows x 32 columns of C (columns outside the masks untouched), from terms k0 ..< k1
/// (at least one).
static inline __attribute__((always_inline, target("avx512f"))) void block_avx512(int rows, int k0, int k1,
    const float *a, int lda, const float *b, int ldb, float *c, int ldc, int first, __mmask16 low, __mmask16 high) {
    // The first term starts each chain from zero in place: zeroing the accumulators in a loop of
    // their own became a call to memset for the larger blocks, and a reload of every register.
    __m512 acc[avx512_rows][2];
    {
        const __m512 b0 = _mm512_maskz_loadu_ps(low, b + (long)k0 * ldb);
        const __m512 b1 = _mm512_maskz_loadu_ps(high, b + (long)k0 * ldb + 16);
        for (int i = 0; i < rows; i++) {
            const __m512 x = _mm512_set1_ps(a[(long)i * lda + k0]);
            acc[i][0] = _mm512_fmadd_ps(x, b0, _mm512_setzero_ps());
            acc[i][1] = _mm512_fmadd_ps(x, b1, _mm512_setzero_ps());
        }
    }
    for (int k = k0 + 1; k < k1; k++) {
        const __m512 b0 = _mm512_maskz_loadu_ps(low, b + (long)k * ldb);
        const __m512 b1 = _mm512_maskz_loadu_ps(high, b + (long)k * ldb + 16);
        for (int i = 0; i < rows; i++) {
            const __m512 x = _mm512_set1_ps(a[(long)i * lda + k]);
            acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < rows; i++) {
        float *out = c + (long)i * ldc;
        if (!first) {
            acc[i][0] = _mm512_add_ps(_mm512_maskz_loadu_ps(low, out), acc[i][0]);
            acc[i][1] = _mm512_add_ps(_mm512_maskz_loadu_ps(high, out + 16), acc[i][1]);
        }
        _mm512_mask_storeu_ps(out, low, acc[i][0]);
        _mm512_mask_storeu_ps(out + 16, high, acc[i][1]);
    }
}

/// The whole product on AVX-512: panels of 32 columns (the last one masked), each gone over
/// by every block of rows while it is in cache. A panel whose rows lie 1 KB or more apart in B,
/// read by more than one block of rows, is first copied into rows side by side: at row strides
/// of multiples of 4 KB (the attention's 4096 key positions) its rows would all fall in one set
/// of the L1 cache (the products ran at three quarters of the speed they reach from a copy), and
/// at other strides of a kilobyte or more the copy was as fast or faster; rows a few hundred
/// bytes apart (the Winograd bands) run about 5% faster uncopied. The sums are the same either way.
__attribute__((target("avx512f"))) static void product_avx512(int m, int n, int k, int k_stride, const float *a,
                                                              const float *b, int ldb, float *c, int ldc) {
    const int pack = ldb >= 256 && m > avx512_rows;
    float *panel = pack ? malloc(sizeof(float) * 32 * (size_t)(k < k_stride ? k : k_stride)) : NULL;
    for (int k0 = 0; k0 < k; k0 += k_stride) {
        const int k1 = k0 + k_stride < k ? k0 + k_stride : k, first = k0 == 0;
        for (int j = 0; j < n; j += 32) {
            const int columns = n - j;
            const __mmask16 low = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
            const __mmask16 high = columns >= 32 ? 0xFFFF : columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1);
            const float *source = b + (long)k0 * ldb + j;
            int source_stride = ldb;
            if (pack) {
                for (int kk = 0; kk < k1 - k0; kk++) {
                    const float *row = b + (long)(k0 + kk) * ldb + j;
                    _mm512_storeu_ps(panel + 32 * kk, _mm512_maskz_loadu_ps(low, row));
                    _mm512_storeu_ps(panel + 32 * kk + 16, _mm512_maskz_loadu_ps(high, row + 16));
                }
                source = panel;
                source_stride = 32;
            }
            for (int i = 0; i < m; i += avx512_rows) {
                const float *ai = a + (long)i * k + k0;
                float *cij = c + (long)i * ldc + j;
                switch (m - i < avx512_rows ? m - i : avx512_rows) {
#define ROWS(r)                                                                                                \
    case r: block_avx512(r, 0, k1 - k0, ai, k, source, source_stride, cij, ldc, first, low, high); break;
                ROWS(12) ROWS(11) ROWS(10) ROWS(9) ROWS(8) ROWS(7) ROWS(6) ROWS(5) ROWS(4) ROWS(3) ROWS(2) ROWS(1)
#undef ROWS
                }
            }
        }
    }
    free(panel);
}
#endif

void exact_sgemm(int m, int n, int k, int k_stride, const float *a, const float *b, int ldb, float *c, int ldc) {
#if defined(__x86_64__)
    if (kernels_use_avx512()) {
        product_avx512(m, n, k, k_stride, a, b, ldb, c, ldc);
        return;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        product_avx2(m, n, k, k_stride, a, b, ldb, c, ldc);
        return;
    }
#endif
    for (int k0 = 0; k0 < k; k0 += k_stride) {
        const int k1 = k0 + k_stride < k ? k0 + k_stride : k;
        block_scalar(m, n, k0, k1, a, k, b, ldb, c, ldc, k0 == 0);
    }
}
