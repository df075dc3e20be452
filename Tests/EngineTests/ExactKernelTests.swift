import CKernels
@testable import Engine
import TestSupport
import XCTest

/// The order-preserving kernels against their definitions, on shapes that reach every vector
/// width's tiles and the leftover rows and columns (and, for the product, its copied panels: rows
/// of B 1 KB or more apart, several blocks of rows).
final class ExactKernelTests: XCTestCase {
    private var generator = SeededGenerator(seed: 5)

    private func random(_ count: Int, in range: ClosedRange<Float>) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &generator) }
    }

    func testFloatProductKeepsMLASOrderBitForBit() {
        forEachInstructionSet { instructions in
            for (m, n, k, stride) in [(1, 1, 1, 128), (3, 17, 300, 128), (4, 48, 129, 128), (7, 33, 260, 256),
                                      (8, 80, 64, 16), (5, 100, 600, 512), (13, 70, 530, 512),
                                      (14, 300, 600, 512), (6, 16, 10, 8), (12, 64, 40, 512)] {
                // C's rows are wider than n: the columns past n must come back untouched.
                let ldc = n + 5
                let a = random(m * k, in: -1...1), b = random(k * n, in: -1...1), before = random(m * ldc, in: -1...1)
                var c = before
                exact_sgemm(Int32(m), Int32(n), Int32(k), Int32(stride), a, b, Int32(n), &c, Int32(ldc))
                for i in 0..<m {
                    for j in n..<ldc {
                        XCTAssertEqual(c[i * ldc + j], before[i * ldc + j], "\(instructions), m=\(m) n=\(n): (\(i), \(j)) past n")
                    }
                    for j in 0..<n {
                        var expected: Float = 0
                        for k0 in Swift.stride(from: 0, to: k, by: stride) {
                            var block: Float = 0
                            for p in k0..<min(k, k0 + stride) { block = block.addingProduct(a[i * k + p], b[p * n + j]) }
                            expected = k0 == 0 ? block : expected + block
                        }
                        XCTAssertEqual(c[i * ldc + j].bitPattern, expected.bitPattern, "\(instructions), m=\(m) n=\(n) k=\(k): element (\(i), \(j))")
                    }
                }
            }
        }
    }

    /// The convolution that reads its input by rows against its definition: every row group and
    /// panel width, rows narrower than a vector, leftover columns, strides 1 and 2, reflection
    /// pads (none, 1 and 4, the transformer's), several blocks of terms, the bias added last and
    /// then ReLU (every other shape), rows written from a row other than the first.
    func testConvolutionByRowsKeepsMLASOrderBitForBit() {
        func reflect(_ i: Int, _ size: Int) -> Int { i < 0 ? -i : i >= size ? 2 * size - 2 - i : i }
        forEachInstructionSet { instructions in
            for (shape, relu) in [
                (3, 8, 9, 1, 4, 12, 60, 128), (8, 3, 9, 1, 0, 10, 521, 128), (32, 32, 3, 1, 1, 5, 130, 128),
                (13, 5, 3, 1, 0, 4, 37, 16), (7, 1, 1, 1, 0, 3, 200, 128), (16, 16, 3, 1, 1, 6, 10, 64),
                (16, 8, 3, 2, 0, 9, 67, 128), (5, 3, 3, 2, 1, 7, 20, 8),
            ].enumerated().map({ ($0.element, $0.offset % 2 == 1) }) {
                let (m, cin, kernel, stride, pad, height, width, kStride) = shape
                let k = cin * kernel * kernel
                let weight = random(m * k, in: -1...1), input = random(cin * height * width, in: -1...1)
                let (oh, ow) = ((height + 2 * pad - kernel) / stride + 1, (width + 2 * pad - kernel) / stride + 1)
                var out = random(m * oh * ow, in: -1...1)
                let bias = random(m, in: -1...1)
                let pads = reflection(top: Int32(pad), left: Int32(pad), bottom: Int32(pad), right: Int32(pad))
                out.withUnsafeMutableBufferPointer { out in
                    exact_conv_rows(Int32(m), Int32(cin), Int32(kernel), Int32(kernel), Int32(stride), Int32(stride),
                                    pads, Int32(kStride), weight, bias, relu ? 1 : 0, input, Int32(height), Int32(width),
                                    1, Int32(oh), out.baseAddress! + ow, oh * ow)
                }
                for o in 0..<m {
                    for y in 1..<oh {
                        for x in 0..<ow {
                            var expected: Float = 0
                            for k0 in Swift.stride(from: 0, to: k, by: kStride) {
                                var block: Float = 0
                                for p in k0..<min(k, k0 + kStride) {
                                    let (c, tap) = (p / (kernel * kernel), p % (kernel * kernel))
                                    let iy = reflect(y * stride + tap / kernel - pad, height)
                                    let ix = reflect(x * stride + tap % kernel - pad, width)
                                    block = block.addingProduct(weight[o * k + p], input[(c * height + iy) * width + ix])
                                }
                                expected = k0 == 0 ? block : expected + block
                            }
                            let activated = relu ? max(0, expected + bias[o]) : expected + bias[o]
                            XCTAssertEqual(out[(o * oh + y) * ow + x].bitPattern, activated.bitPattern,
                                           "\(instructions), m=\(m) cin=\(cin) \(kernel)x\(kernel) stride \(stride) pad \(pad): output (\(o), \(y), \(x))")
                        }
                    }
                }
            }
        }
    }

    func testIntegerProductIsExact() {
        let (m, n, k) = (5, 37, 961)
        let a = (0..<m * k).map { _ in Int16.random(in: -127...127) }, b = (0..<k * n).map { _ in Int16.random(in: -255...255) }
        var c = [Int32](repeating: 7, count: m * n)
        exact_igemm(Int32(m), Int32(n), Int32(k), a, b, Int32(n), &c, Int32(n))
        for i in 0..<m {
            for j in 0..<n {
                let expected = (0..<k).reduce(Int32(0)) { $0 + Int32(a[i * k + $1]) * Int32(b[$1 * n + j]) }
                XCTAssertEqual(c[i * n + j], expected)
            }
        }
    }

    func testMLASReductionStride() {
        XCTAssertEqual(ExactConvolution.reductionStride(positions: 147_456, reduction: 648), 128)
        XCTAssertEqual(ExactConvolution.reductionStride(positions: 64, reduction: 576), 256)
        XCTAssertEqual(ExactConvolution.reductionStride(positions: 16, reduction: 960), 1024)
        XCTAssertEqual(ExactConvolution.reductionStride(positions: 9216, reduction: 27), 32)
    }
}
