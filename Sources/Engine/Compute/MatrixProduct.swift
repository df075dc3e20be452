import CKernels
import COpenBLAS

/// Every matrix product of the engine, on one thread per call: the engine splits the work over
/// its threads itself, so that OpenBLAS's own threads never spin beside the engine's loops (they
/// busy-wait for a while after each product, on the same cores). The products run on CKernels'
/// `exact_sgemm` where the processor has AVX-512 (about 1.9x OpenBLAS's AVX2 kernels,
/// which are what Debian's OpenBLAS runs on processors newer than itself) and, on AVX2, where
/// B's rows are short: OpenBLAS packs both operands on every call, and on the Winograd bands'
/// 32 columns took 1.2 to 1.6 times as long; for long rows (the attention's) its packed kernel
/// is 1.2 to 1.4 times as fast (`Benchmarks/products.sh`, Zen 3, one thread).
public enum MatrixProduct {
    /// Terms per block of CKernels' `exact_sgemm`.
    private static let ownKernelStride: Int32 = 512

    /// Floats between B's rows from which OpenBLAS multiplies faster than `exact_sgemm` on AVX2.
    private static let openBLASRowStride = 256

    /// OpenBLAS runs each call on the calling thread from the first product on.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// C (m x n) = A B, row-major, on the calling thread: A is m x k with its rows k floats apart,
    /// B and C have their rows `ldb` and `ldc` floats apart.
    public static func multiply(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, ldb: Int,
                         into c: UnsafeMutablePointer<Float>, ldc: Int) {
        if kernels_use_avx512() != 0 || ldb < openBLASRowStride {
            exact_sgemm(Int32(m), Int32(n), Int32(k), ownKernelStride, a, b, Int32(ldb), c, Int32(ldc))
            return
        }
        _ = singleThreaded
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(ldb), 0, c, Int32(ldc))
    }

    /// Columns of C per call in `multiplyInParallel`. OpenBLAS sums an element differently
    /// depending on the shape of the call it is in, so the calls have the same bounds whatever
    /// the thread count: the output is then the same on any number of threads.
    static let parallelBlock = 512

    /// The same product with the columns of C split into blocks of `parallelBlock`, spread over
    /// the context's threads.
    static func multiplyInParallel(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                   ldb: Int, into c: UnsafeMutablePointer<Float>, ldc: Int, context: ComputeContext) {
        let blocks = (n + parallelBlock - 1) / parallelBlock
        context.forEach(blocks) { block in
            let first = block * parallelBlock, columns = min(n, first + parallelBlock) - first
            multiply(m: m, n: columns, k: k, a, b + first, ldb: ldb, into: c + first, ldc: ldc)
        }
    }

    /// A row-major `rows x columns` matrix transposed, in square blocks that stay in cache: how
    /// an operand comes to be laid out as an untransposed product reads it.
    public static func transpose(_ matrix: [Float], rows: Int, columns: Int, context: ComputeContext) -> [Float] {
        let side = 32
        return [Float](unsafeUninitializedCapacity: matrix.count) { transposed, count in
            matrix.withUnsafeBufferPointer { source in
                let source = source.baseAddress!, destination = transposed.baseAddress!
                context.forEach((rows + side - 1) / side) { block in
                    let top = block * side, bottom = min(rows, top + side)
                    for left in stride(from: 0, to: columns, by: side) {
                        for column in left..<min(columns, left + side) {
                            for row in top..<bottom {
                                destination[column * rows + row] = source[row * columns + column]
                            }
                        }
                    }
                }
            }
            count = matrix.count
        }
    }
}
