#include "CKernels.h"

#include "vector16.h"

/// The first `lanes` floats at `p`, zeros in the other lanes; nothing past them is read.
static inline __attribute__((always_inline)) v16 load_lanes(const float *p, int lanes) {
    if (lanes == 16) return load16(p);
    float lane[16] = {0};
    memcpy(lane, p, (size_t)lanes * sizeof(float));
    return load16(lane);
}

/// G x for one row or column x of a 3x3 filter.
static inline __attribute__((always_inline)) void filter_transform(v16 x0, v16 x1, v16 x2, v16 y[6]) {
    const v16 even = x0 + x2;
    y[0] = x0 * 0.25f;
    y[1] = (even + x1) * (-1.0f / 6);
    y[2] = (even - x1) * (-1.0f / 6);
    y[3] = x0 * (1.0f / 24) + x1 * (1.0f / 12) + x2 * (1.0f / 6);
    y[4] = x0 * (1.0f / 24) - x1 * (1.0f / 12) + x2 * (1.0f / 6);
    y[5] = x2;
}

/// B^T x for one row or column x of a 6x6 input tile.
static inline __attribute__((always_inline)) void input_transform(const v16 x[6], v16 y[6]) {
    y[0] = 4 * x[0] - 5 * x[2] + x[4];
    y[1] = x[3] + x[4] - 4 * (x[1] + x[2]);
    y[2] = 4 * (x[1] - x[2]) - x[3] + x[4];
    y[3] = 2 * (x[3] - x[1]) - x[2] + x[4];
    y[4] = 2 * (x[1] - x[3]) - x[2] + x[4];
    y[5] = 4 * x[1] - 5 * x[3] + x[5];
}

/// A^T x for one row or column x of a 6x6 product block: four outputs.
static inline __attribute__((always_inline)) void output_transform(const v16 x[6], v16 y[4]) {
    const v16 sum12 = x[1] + x[2], difference12 = x[1] - x[2];
    const v16 sum34 = x[3] + x[4], difference34 = x[3] - x[4];
    y[0] = x[0] + sum12 + sum34;
    y[1] = difference12 + 2 * difference34;
    y[2] = sum12 + 4 * sum34;
    y[3] = difference12 + 8 * difference34 + x[5];
}

static inline __attribute__((always_inline)) void filters(const float *weight, int cin, int co_begin, int co_end,
                                                          long pairs, float *u) {
    for (int co = co_begin; co < co_end; co++) {
        for (int ci = 0; ci < cin; ci += 16) {
            const int lanes = cin - ci < 16 ? cin - ci : 16;
            v16 tap[9];
            for (int k = 0; k < 9; k++) tap[k] = load_lanes(weight + ((long)co * 9 + k) * cin + ci, lanes);
            v16 rows[3][6];
            for (int r = 0; r < 3; r++) filter_transform(tap[3 * r], tap[3 * r + 1], tap[3 * r + 2], rows[r]);
            for (int j = 0; j < 6; j++) {
                v16 column[6];
                filter_transform(rows[0][j], rows[1][j], rows[2][j], column);
                for (int i = 0; i < 6; i++) store_lanes(u + (i * 6 + j) * pairs + (long)co * cin + ci, column[i], lanes);
            }
        }
    }
}

/// Floats of one transformed row: whole groups of sixteen tiles of four columns, and the two
/// columns after them that the last group's tiles also read.
static inline int winograd_line_length(int tiles) { return 4 * ((tiles + 15) / 16 * 16) + 16; }

/// Columns 4t + k (k = 0 ..< 4) of sixteen tiles from the 64 floats at `line`, and columns 4t + 4
/// and 4t + 5, which are the next tile's first two.
static inline __attribute__((always_inline)) void split_columns(const float *line, v16 x[6]) {
    const v16 l0 = load16(line), l1 = load16(line + 16), l2 = load16(line + 32), l3 = load16(line + 48);
    const v16 even01 = __builtin_shufflevector(l0, l1, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const v16 odd01 = __builtin_shufflevector(l0, l1, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const v16 even23 = __builtin_shufflevector(l2, l3, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const v16 odd23 = __builtin_shufflevector(l2, l3, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    x[0] = __builtin_shufflevector(even01, even23, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    x[2] = __builtin_shufflevector(even01, even23, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    x[1] = __builtin_shufflevector(odd01, odd23, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    x[3] = __builtin_shufflevector(odd01, odd23, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const v16 next0 = line[64], next1 = line[65];
    x[4] = __builtin_shufflevector(x[0], next0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    x[5] = __builtin_shufflevector(x[1], next1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
}

/// The inverse of `split_columns`' first four: the 64 floats of sixteen tiles' four columns.
static inline __attribute__((always_inline)) void join_columns(const v16 y[4], float out[64]) {
    const v16 low02 = __builtin_shufflevector(y[0], y[2], 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const v16 high02 = __builtin_shufflevector(y[0], y[2], 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const v16 low13 = __builtin_shufflevector(y[1], y[3], 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const v16 high13 = __builtin_shufflevector(y[1], y[3], 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    store16(out, __builtin_shufflevector(low02, low13, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
    store16(out + 16, __builtin_shufflevector(low02, low13, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31));
    store16(out + 32, __builtin_shufflevector(high02, high13, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
    store16(out + 48, __builtin_shufflevector(high02, high13, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31));
}

/// Columns x ..< x + 16 of a row, or of the row with each of its `width / 2` columns twice.
static inline __attribute__((always_inline)) v16 load_columns(const float *row, int x, int doubled, int width) {
    if (!doubled) return load16(row + x);
    const int base = x / 2, left = width / 2 - base;
    const v16 source = left >= 16 ? load16(row + base) : load_lanes(row + base, left);
    return x % 2 ? __builtin_shufflevector(source, source, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8)
                 : __builtin_shufflevector(source, source, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
}

static inline __attribute__((always_inline)) void input_row(const float *const rows[6], int width, int doubled,
                                                            int first, int tiles, int room, long ahead, float *out,
                                                            long stride, float *scratch) {
    const int line_length = winograd_line_length(tiles);
    float *zeros = scratch + 6 * line_length;
    const float *source[6];
    for (int r = 0; r < 6; r++) {
        source[r] = rows[r];
        if (!rows[r]) {
            memset(zeros, 0, (size_t)width * sizeof(float));
            source[r] = zeros;
        }
    }
    // B^T down the six rows first, on the columns that the tiles read; the reflected border
    // columns then follow from the transformed rows, since the transform is linear. Entry e of a
    // line is input column origin + e.
    const int origin = 4 * first - 1, span = 4 * ((tiles + 15) / 16 * 16) + 2;
    const int begin = origin < 0 ? 0 : origin, end = origin + span < width ? origin + span : width;
    float *line[6];
    for (int i = 0; i < 6; i++) line[i] = scratch + i * line_length;
    int x = begin;
    for (; x + 16 <= end; x += 16) {
        v16 column[6], transformed[6];
        for (int r = 0; r < 6; r++) {
            column[r] = load_columns(source[r], x, doubled, width);
            if (ahead && rows[r]) __builtin_prefetch(rows[r] + (doubled ? x / 2 : x) + ahead);
        }
        input_transform(column, transformed);
        for (int i = 0; i < 6; i++) store16(line[i] + x - origin, transformed[i]);
    }
    for (; x < end; x++) {
        v16 column[6], transformed[6];
        for (int r = 0; r < 6; r++) column[r] = source[r][doubled ? x / 2 : x];
        input_transform(column, transformed);
        for (int i = 0; i < 6; i++) line[i][x - origin] = transformed[i][0];
    }
    for (int i = 0; i < 6; i++) {
        if (origin < 0) line[i][0] = line[i][2];
        if (end == width) {
            const int border = width - origin;
            line[i][border] = line[i][border - 2];
            memset(line[i] + border + 1, 0, (size_t)(line_length - border - 1) * sizeof(float));
        }
    }
    for (int t = 0; t < tiles; t += 16) {
        const int lanes = room - t < 16 ? room - t : 16;
        for (int i = 0; i < 6; i++) {
            v16 columns[6], transformed[6];
            split_columns(line[i] + 4 * t, columns);
            input_transform(columns, transformed);
            for (int j = 0; j < 6; j++) store_lanes(out + (6 * i + j) * stride + t, transformed[j], lanes);
        }
    }
}

/// Y = A^T M A + bias (then ReLU when `relu`) for tiles t ..< t + 16 of a row of tiles: output
/// row r's columns 4t + k in y[r][k], for the first `rows` rows.
static inline __attribute__((always_inline)) void tile_outputs(const float *m, long stride, int t, int lanes,
                                                               float bias, int relu, int rows, v16 y[4][4]) {
    v16 block[6][4];
    for (int j = 0; j < 6; j++) {
        v16 x[6];
        for (int i = 0; i < 6; i++) x[i] = load_lanes(m + (6 * i + j) * stride + t, lanes);
        output_transform(x, block[j]);
    }
    for (int r = 0; r < rows; r++) {
        const v16 x[6] = {block[0][r], block[1][r], block[2][r], block[3][r], block[4][r], block[5][r]};
        output_transform(x, y[r]);
        for (int k = 0; k < 4; k++) {
            y[r][k] += bias;
            if (relu) y[r][k] = __builtin_elementwise_max(y[r][k], (v16)0.0f);
        }
    }
}

static inline __attribute__((always_inline)) void output_row(const float *m, long stride, int tiles, int room, float bias,
                                                             int relu, float *out, int columns, int width, int rows) {
    for (int t = 0; t < tiles; t += 16) {
        v16 y[4][4];
        tile_outputs(m, stride, t, room - t < 16 ? room - t : 16, bias, relu, rows, y);
        const int columns_left = columns - 4 * t;
        for (int r = 0; r < rows; r++) {
            float *line = out + (long)r * width + 4 * t;
            if (columns_left >= 64) {
                join_columns(y[r], line);
            } else {
                float joined[64];
                join_columns(y[r], joined);
                memcpy(line, joined, (size_t)columns_left * sizeof(float));
            }
        }
    }
}

static inline __attribute__((always_inline)) void pooled_output_row(const float *m, long stride, int tiles, int room,
                                                                    float bias, int relu, float *out, int columns,
                                                                    int width, int rows) {
    for (int t = 0; t < tiles; t += 16) {
        v16 y[4][4];
        tile_outputs(m, stride, t, room - t < 16 ? room - t : 16, bias, relu, rows, y);
        const int columns_left = columns - 4 * t;
        if (columns_left < 64 && columns_left % 2) {
            // An odd last column is a window of its own: the column past the map's edge, column
            // columns_left % 4 of tile columns_left / 4, takes no part. Windows further out are
            // not written.
            for (int r = 0; r < rows; r++) y[r][columns_left % 4][columns_left / 4] = -__builtin_inff();
        }
        const int pooled_left = (columns_left + 1) / 2;
        for (int p = 0; 2 * p < rows; p++) {
            v16 window[4];
            for (int k = 0; k < 4; k++) {
                window[k] = 2 * p + 1 < rows ? __builtin_elementwise_max(y[2 * p][k], y[2 * p + 1][k]) : y[2 * p][k];
            }
            const v16 left = __builtin_elementwise_max(window[0], window[1]);
            const v16 right = __builtin_elementwise_max(window[2], window[3]);
            float joined[32];
            store16(joined, __builtin_shufflevector(left, right, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23));
            store16(joined + 16,
                    __builtin_shufflevector(left, right, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31));
            memcpy(out + (long)p * width + 2 * t, joined, (size_t)(pooled_left < 32 ? pooled_left : 32) * sizeof(float));
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void filters_avx512(const float *w, int cin, int b, int e, long p, float *u) {
    filters(w, cin, b, e, p, u);
}
__attribute__((target("avx2,fma"))) static void filters_avx2(const float *w, int cin, int b, int e, long p, float *u) {
    filters(w, cin, b, e, p, u);
}
__attribute__((target("avx512f"))) static void input_row_avx512(const float *const r[6], int w, int d, int f,
                                                                 int t, int room, long a, float *o, long s,
                                                                 float *scratch) {
    if (d) {
        input_row(r, w, 1, f, t, room, a, o, s, scratch);
    } else {
        input_row(r, w, 0, f, t, room, a, o, s, scratch);
    }
}
__attribute__((target("avx2,fma"))) static void input_row_avx2(const float *const r[6], int w, int d, int f, int t,
                                                               int room, long a, float *o, long s, float *scratch) {
    if (d) {
        input_row(r, w, 1, f, t, room, a, o, s, scratch);
    } else {
        input_row(r, w, 0, f, t, room, a, o, s, scratch);
    }
}
__attribute__((target("avx512f"))) static void output_row_avx512(const float *m, long s, int t, int room, float b,
                                                                  int relu, float *o, int c, int w, int rows) {
    output_row(m, s, t, room, b, relu, o, c, w, rows);
}
__attribute__((target("avx2,fma"))) static void output_row_avx2(const float *m, long s, int t, int room, float b,
                                                                int relu, float *o, int c, int w, int rows) {
    output_row(m, s, t, room, b, relu, o, c, w, rows);
}
__attribute__((target("avx512f"))) static void pooled_output_row_avx512(const float *m, long s, int t, int room,
                                                                         float b, int relu, float *o, int c, int w,
                                                                         int rows) {
    pooled_output_row(m, s, t, room, b, relu, o, c, w, rows);
}
__attribute__((target("avx2,fma"))) static void pooled_output_row_avx2(const float *m, long s, int t, int room,
                                                                       float b, int relu, float *o, int c, int w,
                                                                       int rows) {
    pooled_output_row(m, s, t, room, b, relu, o, c, w, rows);
}
#endif

int winograd_scratch_length(int width, int tiles) { return 6 * winograd_line_length(tiles) + width; }

void winograd_filters(const float *weight, int cin, int co_begin, int co_end, long pairs, float *u) {
    DISPATCH(filters, (weight, cin, co_begin, co_end, pairs, u))
}

void winograd_input_row(const float *const rows[6], int width, int doubled, int first, int tiles, int room,
                        long ahead, float *out, long stride, float *scratch) {
    DISPATCH(input_row, (rows, width, doubled, first, tiles, room, ahead, out, stride, scratch))
}

void winograd_output_row(const float *m, long stride, int tiles, int room, float bias, int relu, float *out,
                         int columns, int width, int rows) {
    DISPATCH(output_row, (m, stride, tiles, room, bias, relu, out, columns, width, rows))
}

void winograd_pooled_output_row(const float *m, long stride, int tiles, int room, float bias, int relu, float *out,
                                int columns, int width, int rows) {
    DISPATCH(pooled_output_row, (m, stride, tiles, room, bias, relu, out, columns, width, rows))
}
