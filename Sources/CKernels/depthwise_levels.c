#include "CKernels.h"

#include <stdlib.h>

#include "vector16.h"

/// One channel's input as the filter reads it: padded with `fill`, and with its columns dealt
/// into `stride_x` phases (column px goes to phase px % stride_x, place px / stride_x), so that
/// every tap reads sixteen adjacent outputs' inputs as one contiguous vector. Each phase row is
/// `phase_width` floats, sixteen more than are read, so whole vectors can be loaded.
struct padded_plane {
    float *values;
    int rows, columns, phase_width;
};

static inline __attribute__((always_inline)) void pad_and_split(struct padded_plane p, int stride_x, int pad_top,
                                                               int pad_left, float fill, const float *plane, int ih,
                                                               int iw) {
    for (int py = 0; py < p.rows; py++) {
        float *phases = p.values + (long)py * stride_x * p.phase_width;
        for (int i = 0; i < stride_x * p.phase_width; i++) phases[i] = fill;
        const int iy = py - pad_top;
        if (iy < 0 || iy >= ih) continue;
        const float *row = plane + (long)iy * iw;
        // Padded columns px = ix + pad_left that the filter reads.
        const int last = iw < p.columns - pad_left ? iw : p.columns - pad_left;
        for (int phase = 0; phase < stride_x; phase++) {
            // The first input column of this phase, and its place in the phase.
            const int first = ((phase - pad_left) % stride_x + stride_x) % stride_x;
            float *destination = phases + phase * p.phase_width + (first + pad_left) / stride_x;
            for (int ix = first, j = 0; ix < last; ix += stride_x, j++) destination[j] = row[ix];
        }
    }
}

/// Sixteen outputs of one row (or `lanes` of them, for rows narrower than a vector) from the
/// row of the padded plane at `row`: tap t reads sixteen floats from row + taps[t].
static inline __attribute__((always_inline)) void outputs16(const float *row, const int *taps, int count,
                                                           const float *w, float *out, int lanes) {
    v16 acc = (v16)0;
    for (int t = 0; t < count; t++) acc = __builtin_elementwise_fma((v16)w[t], load16(row + taps[t]), acc);
    store_lanes(out, acc, lanes);
}

static inline __attribute__((always_inline)) void channels(int c_begin, int c_end, int kh, int kw, int stride_y,
                                                          int stride_x, int pad_top, int pad_left, float fill,
                                                          const float *weight, const float *input, int ih, int iw,
                                                          int oh, int ow, float *out) {
    struct padded_plane p;
    p.rows = (oh - 1) * stride_y + kh;
    p.columns = (ow - 1) * stride_x + kw;
    p.phase_width = (p.columns + stride_x - 1) / stride_x + 16;
    p.values = malloc((size_t)p.rows * stride_x * p.phase_width * sizeof(float));
    // Where each tap's sixteen inputs start, from the start of the output row's first input row.
    int *taps = malloc((size_t)kh * kw * sizeof(int));
    for (int ky = 0; ky < kh; ky++)
        for (int kx = 0; kx < kw; kx++)
            taps[ky * kw + kx] = (ky * stride_x + kx % stride_x) * p.phase_width + kx / stride_x;
    for (int c = c_begin; c < c_end; c++) {
        pad_and_split(p, stride_x, pad_top, pad_left, fill, input + (long)c * ih * iw, ih, iw);
        const float *w = weight + (long)c * kh * kw;
        float *o = out + (long)c * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            const float *row = p.values + (long)oy * stride_y * stride_x * p.phase_width;
            float *out_row = o + (long)oy * ow;
            if (ow < 16) {
                outputs16(row, taps, kh * kw, w, out_row, ow);
                continue;
            }
            // The last vector ends at the row's end, overlapping outputs already written with the same values.
            for (int ox = 0; ox < ow; ox += 16) {
                const int start = ox + 16 <= ow ? ox : ow - 16;
                outputs16(row + start, taps, kh * kw, w, out_row + start, 16);
            }
        }
    }
    free(taps);
    free(p.values);
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void channels_avx512(int b, int e, int kh, int kw, int sy, int sx, int pt,
                                                              int pl, float f, const float *w, const float *in, int ih,
                                                              int iw, int oh, int ow, float *out) {
    channels(b, e, kh, kw, sy, sx, pt, pl, f, w, in, ih, iw, oh, ow, out);
}

__attribute__((target("avx2,fma"))) static void channels_avx2(int b, int e, int kh, int kw, int sy, int sx, int pt,
                                                             int pl, float f, const float *w, const float *in, int ih,
                                                             int iw, int oh, int ow, float *out) {
    channels(b, e, kh, kw, sy, sx, pt, pl, f, w, in, ih, iw, oh, ow, out);
}
#endif

void depthwise_levels(int c_begin, int c_end, int kh, int kw, int stride_y, int stride_x, int pad_top, int pad_left,
                      float fill, const float *weight, const float *input, int ih, int iw, int oh, int ow, float *out) {
    DISPATCH(channels, (c_begin, c_end, kh, kw, stride_y, stride_x, pad_top, pad_left, fill, weight, input, ih, iw, oh,
                        ow, out))
}
