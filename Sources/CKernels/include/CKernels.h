#ifndef CKERNELS_H
#define CKERNELS_H

#include <stdint.h>

/// C = A x B with each element's sum in a fixed order, as onnxruntime's MLAS SGEMM forms it:
/// along k in blocks of `k_stride`, each block a chain of fused multiply-adds starting from
/// zero, and each block's sum added onto C (the first block overwrites C). The result is the
/// same on every CPU; AVX2, FMA and AVX-512 only make it faster.
///
/// A is m x k (row stride k), B is k x n (row stride ldb), C is m x n (row stride ldc).
void exact_sgemm(int m, int n, int k, int k_stride, const float *a, const float *b, int ldb, float *c, int ldc);

/// Rows and columns of reflection padding (PyTorch's ReflectionPad2d, ONNX Pad in reflect mode),
/// each less than the input's size on that axis.
struct reflection {
    int top, left, bottom, right;
};

/// A convolution read by rows: each output summed in `exact_sgemm`'s order over the
/// channel-major terms (c, ky, kx), from the input rows rather than from an unfolded copy of
/// them, the input reflected by `pads` (all zero for an input padded already) and never padded
/// with zeros; then `bias` (m values, or NULL for none) added, as MLAS adds it after the product,
/// and ReLU applied if `relu`. `weight` is m x (cin * kh * kw), `input` cin x ih x iw. Output rows
/// oy_begin ..< oy_end of the ((ih + pads - kh) / stride_y + 1) x ((iw + pads - kw) / stride_x + 1)
/// map are written to `out`: m planes `plane` floats apart, row oy at (oy - oy_begin) rows into each.
/// Rows are independent: threads may take disjoint ranges of them.
void exact_conv_rows(int m, int cin, int kh, int kw, int stride_y, int stride_x, struct reflection pads, int k_stride,
                     const float *weight, const float *bias, int relu, const float *input, int ih, int iw,
                     int oy_begin, int oy_end, float *out, long plane);

/// C = A x B on integers, exactly: A is m x k int16 (row stride k), B is k x n int16 (row
/// stride ldb), C is m x n int32 (row stride ldc). The int8 convolutions' differences from
/// their zero points fit int16, and their sums fit int32.
void exact_igemm(int m, int n, int k, const int16_t *a, const int16_t *b, int ldb, int32_t *c, int ldc);

/// Channels c_begin ..< c_end of a depthwise convolution on int8 levels held as floats: each
/// output is the sum of its kh x kw products with the channel's weights, `input` (channels x ih
/// x iw) read with the strides and padded with `fill` (pad_top rows above, pad_left columns on the
/// left, as many as the output needs below and on the right). `out` is channels x oh x ow. The
/// sums are whole numbers below 2^24, so they are exact in any order.
void depthwise_levels(int c_begin, int c_end, int kh, int kw, int stride_y, int stride_x, int pad_top, int pad_left, float fill,
                      const float *weight, const float *input, int ih, int iw, int oh, int ow, float *out);

/// An int8 convolution's output levels from its sums (whole numbers below 2^24, held as
/// floats): (sum + offset) as an int32, times `multiplier`, rounded half to even, plus the zero
/// point, saturated to [-128, 127] (onnxruntime's requantisation). `out` may be `sums`.
void requantize_sums(const float *sums, int count, int offset, float multiplier, float zero_point, float *out);

/// Winograd's F(4x4, 3x3) transforms (Lavin and Gray, CVPR 2016), sixteen tiles at a time.
///
/// U = G g G^T for output channels co_begin ..< co_end: `weight` is cout x 3 x 3 x cin (each tap's
/// input channels contiguous), `u` is 36 matrices of cout x cin, `pairs` = cout * cin floats apart.
void winograd_filters(const float *weight, int cin, int co_begin, int co_end, long pairs, float *u);

/// Floats of scratch that `winograd_input_row` needs for a row of `tiles` tiles of a `width` map.
int winograd_scratch_length(int width, int tiles);

/// V = B^T d B for tiles first ..< first + tiles of one channel's row of 6x6 input tiles: `rows`
/// are the six input rows from one above the tiles' first output row (NULL for a row of zeros),
/// each `width` floats, or with `doubled` `width / 2` floats each read twice (a nearest-neighbour
/// upsampling of the columns, `width` even); columns -1 and `width` reflect columns 1 and
/// width - 2, columns beyond are zeros. Position p (0 ..< 36) of tile first + t goes to
/// out[p * stride + t]. `room` (at least `tiles`) slots may be written per position: whole vectors
/// of sixteen tiles are stored while there is room, so the slots past `tiles` get the transforms
/// of other tiles. The columns read `ahead` floats past each row (the next channel's, which the
/// next call reads) are fetched into the cache meanwhile; 0 fetches nothing.
void winograd_input_row(const float *const rows[6], int width, int doubled, int first, int tiles, int room,
                        long ahead, float *out, long stride, float *scratch);

/// Y = A^T M A + bias (then ReLU when `relu`) for `tiles` tiles of one channel's row of tiles:
/// position p of tile t is m[p * stride + t], with `room` slots readable as in
/// `winograd_input_row`. The tiles' first `rows` (1 ..< 5) of four output rows are written from
/// `out`, `width` floats apart, each `columns` floats long (the parts of tiles beyond are dropped).
void winograd_output_row(const float *m, long stride, int tiles, int room, float bias, int relu, float *out,
                         int columns, int width, int rows);

/// `winograd_output_row` followed by a 2x2 max-pool with stride 2 (ceil mode): `columns` and
/// `rows` (1 ..< 5) count the convolution's outputs, and the (rows + 1) / 2 pooled rows of
/// (columns + 1) / 2 are written from `out`, `width` floats apart. The tiles' first output row
/// and column must begin a window.
void winograd_pooled_output_row(const float *m, long stride, int tiles, int room, float bias, int relu, float *out,
                                int columns, int width, int rows);

/// One row of a 2x2 max-pool with stride 2: out[x] is the largest of columns 2x and 2x + 1 of
/// the input rows `top` and `bottom` (`width` floats each; an odd last column is a window of its
/// own), (width + 1) / 2 outputs.
void max_pool_row(const float *top, const float *bottom, int width, float *out);

/// Each of `count` rows of `length` scores replaced by its softmax, exp(x - max) / sum, with
/// e^x to within about 1 ulp.
void softmax_rows(float *scores, int count, int length);

/// 1 when this processor runs the instruction set the engine is compiled for (AVX2 and FMA on
/// x86-64; anything elsewhere), else 0. Compiled for the baseline, so it is safe to call first.
int engine_processor_supported(void);

/// 1 when the kernels run their AVX-512 code: the processor has AVX-512 and it is not disabled.
/// `exact_sgemm` is then faster than OpenBLAS's AVX2 kernels (twelve rows by 32 columns at a time).
int kernels_use_avx512(void);

/// With 1, the kernels run their AVX2 code even on an AVX-512 processor (how the tests check
/// the code that processors without AVX-512 run); 0 restores the default.
void kernels_disable_avx512(int disabled);

/// Tells the processor that the calling thread is waiting in a loop (x86's `pause`), so that a
/// spinning thread takes less from the core and leaves the loop sooner when the wait ends.
static inline void spin_pause(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

#endif
