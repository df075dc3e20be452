#include "CKernels.h"

#include "vector16.h"

/// `out[x] += w * row[x * stride + first]` for x in low ..< high, where the row holds every
/// column read; `stride` is a constant once inlined, so the loop vectorises.
static inline __attribute__((always_inline)) void add_tap(float *out, const float *row, int stride, int first,
                                                         int low, int high, float w) {
    for (int x = low; x < high; x++) out[x] += w * row[x * stride + first];
}

/// One channel of a depthwise convolution on int8 levels, the padding filled with `fill`.
static inline __attribute__((always_inline)) void channel(int kh, int kw, int stride_y, int stride, const int pads[2],
                                                         float fill, const float *w, const float *plane, int ih,
                                                         int iw, int oh, int ow, float *out) {
    for (int oy = 0; oy < oh; oy++) {
        float *o = out + (long)oy * ow;
        for (int x = 0; x < ow; x++) o[x] = 0;
        for (int ky = 0; ky < kh; ky++) {
            const int iy = oy * stride_y - pads[0] + ky;
            for (int kx = 0; kx < kw; kx++) {
                const float weight = w[ky * kw + kx];
                const int first = kx - pads[1];
                // Output columns whose input column first + x * stride lies inside the row.
                int low = first >= 0 ? 0 : (-first + stride - 1) / stride;
                int high = first >= iw ? 0 : (iw - 1 - first) / stride + 1;
                if (low > ow) low = ow;
                if (high > ow) high = ow;
                if (high < low) high = low;
                if (iy < 0 || iy >= ih) {
                    low = high = 0;
                }
                for (int x = 0; x < low; x++) o[x] += weight * fill;
                for (int x = high; x < ow; x++) o[x] += weight * fill;
                if (high > low) {
                    const float *row = plane + (long)iy * iw;
                    if (stride == 1) {
                        add_tap(o, row, 1, first, low, high, weight);
                    } else if (stride == 2) {
                        add_tap(o, row, 2, first, low, high, weight);
                    } else {
                        add_tap(o, row, stride, first, low, high, weight);
                    }
                }
            }
        }
    }
}

static inline __attribute__((always_inline)) void channels(int c_begin, int c_end, int kh, int kw, int stride_y, int stride,
                                                          const int pads[2], float fill, const float *weight,
                                                          const float *input, int ih, int iw, int oh, int ow,
                                                          float *out) {
    for (int c = c_begin; c < c_end; c++) {
        channel(kh, kw, stride_y, stride, pads, fill, weight + (long)c * kh * kw, input + (long)c * ih * iw, ih, iw, oh, ow,
                out + (long)c * oh * ow);
    }
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) static void channels_avx512(int b, int e, int kh, int kw, int sy, int s, const int p[2],
                                                              float f, const float *w, const float *in, int ih,
                                                              int iw, int oh, int ow, float *out) {
    channels(b, e, kh, kw, sy, s, p, f, w, in, ih, iw, oh, ow, out);
}

__attribute__((target("avx2,fma"))) static void channels_avx2(int b, int e, int kh, int kw, int sy, int s, const int p[2],
                                                             float f, const float *w, const float *in, int ih, int iw,
                                                             int oh, int ow, float *out) {
    channels(b, e, kh, kw, sy, s, p, f, w, in, ih, iw, oh, ow, out);
}
#endif

void depthwise_levels(int c_begin, int c_end, int kh, int kw, int stride_y, int stride_x, int pad_top, int pad_left, float fill,
                      const float *weight, const float *input, int ih, int iw, int oh, int ow, float *out) {
    const int pads[2] = {pad_top, pad_left};
    DISPATCH(channels, (c_begin, c_end, kh, kw, stride_y, stride_x, pads, fill, weight, input, ih, iw, oh, ow, out))
}
