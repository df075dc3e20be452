#ifndef CKERNELS_H
#define CKERNELS_H

#include <stdint.h>

/// C = A x B with each element's sum in a fixed order, as onnxruntime's MLAS SGEMM forms it:
/// along k in blocks of `k_stride`, each block a chain of fused multiply-adds starting from
/// zero, and each block's sum added onto C (the first block overwrites C). The result is the
/// same on every CPU; AVX2 and FMA only make it faster.
///
/// A is m x k (row stride k), B is k x n (row stride ldb), C is m x n (row stride ldc).
void exact_sgemm(int m, int n, int k, int k_stride, const float *a, const float *b, int ldb, float *c, int ldc);

/// C = A x B on integers, exactly: A is m x k int16 (row stride k), B is k x n int16 (row
/// stride ldb), C is m x n int32 (row stride ldc). The int8 convolutions' differences from
/// their zero points fit int16, and their sums fit int32.
void exact_igemm(int m, int n, int k, const int16_t *a, const int16_t *b, int ldb, int32_t *c, int ldc);

/// 1 when this processor runs the instruction set the engine is compiled for (AVX2 and FMA on
/// x86-64; anything elsewhere), else 0. Compiled for the baseline, so it is safe to call first.
int engine_processor_supported(void);

#endif
