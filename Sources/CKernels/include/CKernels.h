#ifndef CKERNELS_H
#define CKERNELS_H

/// C = A x B with each element's sum in a fixed order, as onnxruntime's MLAS SGEMM forms it:
/// along k in blocks of `k_stride`, each block a chain of fused multiply-adds starting from
/// zero, and each block's sum added onto C (the first block overwrites C). The result is the
/// same on every CPU; AVX2 and FMA only make it faster.
///
/// A is m x k (row stride k), B is k x n (row stride ldb), C is m x n (row stride ldc).
void exact_sgemm(int m, int n, int k, int k_stride, const float *a, const float *b, int ldb, float *c, int ldc);

#endif
