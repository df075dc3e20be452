#include "CKernels.h"

#include <math.h>
#include <stdlib.h>

#include "vector16.h"

/// One element at a time, in the order `exact_sgemm` keeps: for maps narrower than a vector.
static void row_scalar(int m, int k, int k_stride, const float *weight, const float *bias, int relu,
                       const int *offsets, const float *source, int width, float *out, long plane) {
    for (int i = 0; i < m; i++) {
        for (int x = 0; x < width; x++) {
            float total = 0;
            for (int k0 = 0; k0 < k; k0 += k_stride) {
                const int k1 = k0 + k_stride < k ? k0 + k_stride : k;
                float block = 0;
                for (int p = k0; p < k1; p++) block = fmaf(weight[(long)i * k + p], source[offsets[p] + x], block);
                total = k0 == 0 ? block : total + block;
            }
            const float value = bias ? total + bias[i] : total;
            out[(long)i * plane + x] = relu && value < 0 ? 0 : value;
        }
    }
}

/// `rows` output channels x `vectors` x 16 adjacent outputs of one row, in registers: each
/// block of terms is a chain of fused multiply-adds from zero, added onto the outputs (the
/// first block overwrites them), and the bias (if any) added to the last, then ReLU if `relu`.
/// `rows` and `vectors` are constants once inlined.
static inline __attribute__((always_inline)) void tile(int rows, int vectors, int k, int k_stride,
                                                      const float *weight, const float *bias, int relu,
                                                      const int *offsets, const float *source, float *out, long plane) {
    for (int k0 = 0; k0 < k; k0 += k_stride) {
        const int k1 = k0 + k_stride < k ? k0 + k_stride : k;
        v16 acc[8][8];
        for (int r = 0; r < rows; r++)
            for (int v = 0; v < vectors; v++) acc[r][v] = (v16)0;
        for (int p = k0; p < k1; p++) {
            const float *b = source + offsets[p];
            v16 column[8];
            for (int v = 0; v < vectors; v++) column[v] = load16(b + 16 * v);
            for (int r = 0; r < rows; r++) {
                const v16 a = (v16)weight[(long)r * k + p];
                for (int v = 0; v < vectors; v++) acc[r][v] = __builtin_elementwise_fma(a, column[v], acc[r][v]);
            }
        }
        const int last = k1 == k;
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < vectors; v++) {
                float *o = out + r * plane + 16 * v;
                const v16 total = k0 == 0 ? acc[r][v] : load16(o) + acc[r][v];
                const v16 value = last && bias ? total + bias[r] : total;
                store16(o, last && relu ? __builtin_elementwise_max(value, (v16)0.0f) : value);
            }
        }
    }
}

/// `rows` (1 ... 8) output channels as a tile of `vectors`, both constants once inlined.
#define TILE_ROWS(rows, vectors, w, b, source, out)                                                               \
    switch (rows) {                                                                                            \
    case 8: tile(8, vectors, k, k_stride, w, b, relu, offsets, source, out, plane); break;                        \
    case 7: tile(7, vectors, k, k_stride, w, b, relu, offsets, source, out, plane); break;                        \
    case 6: tile(6, vectors, k, k_stride, w, b, relu, offsets, source, out, plane); break;                        \
    case 5: tile(5, vectors, k, k_stride, w, b, relu, offsets, source, out, plane); break;                        \
    case 4: tile(4, vectors, k, k_stride, w, b, relu, offsets, source, out, plane); break;                        \
    case 3: tile(3, vectors, k, k_stride, w, b, relu, offsets, source, out, plane); break;                        \
    case 2: tile(2, vectors, k, k_stride, w, b, relu, offsets, source, out, plane); break;                        \
    default: tile(1, vectors, k, k_stride, w, b, relu, offsets, source, out, plane); break;                       \
    }

/// One output row: panels of `vectors` x 16 columns, each gone over by every group of up to
/// `group` output channels while its inputs are in cache; then the columns left over, in single
/// vectors that end at the row's end. Those overlap outputs already done and compute them again
/// from the first block of terms on, to the same bits.
static inline __attribute__((always_inline)) void row_panels(int vectors, int group, int m, int k, int k_stride,
                                                            const float *weight, const float *bias, int relu,
                                                            const int *offsets, const float *source, int width,
                                                            float *out, long plane) {
    const int panel = 16 * vectors;
    int x = 0;
    for (; x + panel <= width; x += panel) {
        for (int i = 0; i < m; i += group) {
            TILE_ROWS(m - i < group ? m - i : group, vectors, weight + (long)i * k, bias ? bias + i : bias, source + x,
                      out + i * plane + x)
        }
    }
    for (; x < width; x += 16) {
        const int start = x + 16 <= width ? x : width - 16;
        for (int i = 0; i < m; i += group) {
            TILE_ROWS(m - i < group ? m - i : group, 1, weight + (long)i * k, bias ? bias + i : bias, source + start,
                      out + i * plane + start)
        }
    }
}

/// Panels as wide as the registers allow for the first group of channels: on AVX-512, rows x
/// vectors accumulators, the vectors' inputs and one broadcast fit 32 registers; on AVX2, where
/// a vector of 16 is two of the 16 registers, groups are of at most 6 channels.
#define ROW(vectors_for, group)                                                                                \
    const int top = m < group ? m : group;                                                                     \
    switch (vectors_for(top)) {                                                                                \
    case 8: row_panels(8, group, m, k, k_stride, weight, bias, relu, offsets, source, width, out, plane); break;  \
    case 6: row_panels(6, group, m, k, k_stride, weight, bias, relu, offsets, source, width, out, plane); break;  \
    case 5: row_panels(5, group, m, k, k_stride, weight, bias, relu, offsets, source, width, out, plane); break;  \
    case 4: row_panels(4, group, m, k, k_stride, weight, bias, relu, offsets, source, width, out, plane); break;  \
    case 3: row_panels(3, group, m, k, k_stride, weight, bias, relu, offsets, source, width, out, plane); break;  \
    case 2: row_panels(2, group, m, k, k_stride, weight, bias, relu, offsets, source, width, out, plane); break;  \
    default: row_panels(1, group, m, k, k_stride, weight, bias, relu, offsets, source, width, out, plane); break; \
    }

#define AVX512_VECTORS(rows) ((rows) <= 2 ? 8 : (rows) == 3 ? 6 : (rows) == 4 ? 5 : (rows) <= 6 ? 4 : 3)
#define AVX2_VECTORS(rows) ((rows) == 1 ? 3 : (rows) == 2 ? 2 : 1)

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void row_avx512(int m, int k, int k_stride, const float *weight,
                                                         const float *bias, int relu, const int *offsets,
                                                         const float *source, int width, float *out, long plane) {
    ROW(AVX512_VECTORS, 8)
}

__attribute__((target("avx2,fma"))) static void row_avx2(int m, int k, int k_stride, const float *weight,
                                                        const float *bias, int relu, const int *offsets,
                                                        const float *source, int width, float *out, long plane) {
    ROW(AVX2_VECTORS, 6)
}
#else
static void row(int m, int k, int k_stride, const float *weight, const float *bias, int relu, const int *offsets,
                const float *source, int width, float *out, long plane) {
    ROW(AVX512_VECTORS, 8)
}
#endif

/// The input rows that output rows read, kept in a small buffer: for each channel, a ring of
/// `kh` rows, each row's columns dealt into `stride_x` phases (column x to phase x % stride_x,
/// place x / stride_x), so that sixteen adjacent outputs' inputs under one tap are sixteen
/// adjacent floats at any stride. Read in place instead, the taps of one output hop between
/// channel planes a whole map apart, which at 512 px fall into the same few cache sets and
/// evict one another (a 16-channel 3x3 layer ran at a quarter of the speed of a 32-channel one
/// at 128 px); the ring stays in the second-level cache and each input row is copied into it once.
struct row_ring {
    float *values;
    int phase_width, row_stride;
};

static struct row_ring ring_for(int cin, int kh, int iw, int stride_x) {
    struct row_ring ring;
    // Phases start on 64-byte lines, a line more than a multiple of 4 KB apart.
    ring.phase_width = ((iw + stride_x - 1) / stride_x + 15) / 16 * 16 + 16;
    ring.row_stride = stride_x * ring.phase_width;
    ring.values = malloc((size_t)cin * kh * ring.row_stride * sizeof(float));
    return ring;
}

/// Index i of a row or column of `size` values reflected about its ends (PyTorch's and ONNX's
/// reflection, which does not repeat the edge).
static inline int reflect(int i, int size) { return i < 0 ? -i : i >= size ? 2 * size - 2 - i : i; }

/// Padded row py of every channel into the ring: input row py - pad_top (reflected), its
/// columns from pad_left before the first to past the last (reflected), dealt into phases.
static void ring_add_row(struct row_ring ring, int cin, int kh, int stride_x, const struct reflection *pads,
                         const float *input, int ih, int iw, int py) {
    const int iy = reflect(py - pads->top, ih), padded_width = iw + pads->left + pads->right;
    for (int c = 0; c < cin; c++) {
        float *row = ring.values + ((long)c * kh + py % kh) * ring.row_stride;
        const float *source = input + ((long)c * ih + iy) * iw;
        if (stride_x == 1) {
            for (int px = 0; px < pads->left; px++) row[px] = source[reflect(px - pads->left, iw)];
            memcpy(row + pads->left, source, (size_t)iw * sizeof(float));
            for (int px = pads->left + iw; px < padded_width; px++) row[px] = source[reflect(px - pads->left, iw)];
            continue;
        }
        for (int phase = 0; phase < stride_x; phase++) {
            float *destination = row + phase * ring.phase_width;
            for (int px = phase, j = 0; px < padded_width; px += stride_x, j++) {
                destination[j] = source[reflect(px - pads->left, iw)];
            }
        }
    }
}

void exact_conv_rows(int m, int cin, int kh, int kw, int stride_y, int stride_x, struct reflection pads, int k_stride,
                     const float *weight, const float *bias, int relu, const float *input, int ih, int iw,
                     int oy_begin, int oy_end, float *out, long plane) {
    const int padded_width = iw + pads.left + pads.right;
    const int k = cin * kh * kw, ow = (padded_width - kw) / stride_x + 1;
    if (oy_begin >= oy_end) return;
    const struct row_ring ring = ring_for(cin, kh, padded_width, stride_x);
    // Where each term's inputs start in the ring, for each of the kh places the first input
    // row of an output row can have in it: computed once, not for every output row.
    int *offsets = malloc((size_t)kh * k * sizeof(int));
    for (int first = 0; first < kh; first++)
        for (int c = 0, p = first * k; c < cin; c++)
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                    offsets[p++] = (c * kh + (first + ky) % kh) * ring.row_stride + (kx % stride_x) * ring.phase_width +
                                   kx / stride_x;
    int next_row = oy_begin * stride_y;
    for (int oy = oy_begin; oy < oy_end; oy++) {
        const int top = oy * stride_y;
        for (; next_row < top + kh; next_row++) ring_add_row(ring, cin, kh, stride_x, &pads, input, ih, iw, next_row);
        const int *row_offsets = offsets + (long)(top % kh) * k;
        float *row_out = out + (long)(oy - oy_begin) * ow;
        if (ow < 16) {
            row_scalar(m, k, k_stride, weight, bias, relu, row_offsets, ring.values, ow, row_out, plane);
            continue;
        }
        DISPATCH(row, (m, k, k_stride, weight, bias, relu, row_offsets, ring.values, ow, row_out, plane))
    }
    free(ring.values);
    free(offsets);
}
