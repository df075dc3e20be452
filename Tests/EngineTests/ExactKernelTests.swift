import CKernels
@testable import Engine
import TestSupport
import XCTest

/// The order-preserving kernels against their definitions, on shapes that reach every vector
/// width's tiles and the leftover rows and columns.
final class ExactKernelTests: XCTestCase {
    private var generator = SeededGenerator(seed: 5)

    private func random(_ count: Int, in range: ClosedRange<Float>) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &generator) }
    }

    func testFloatProductKeepsMLASOrderBitForBit() {
        forEachInstructionSet { instructions in
            for (m, n, k, stride) in [(1, 1, 1, 128), (3, 17, 300, 128), (4, 48, 129, 128), (7, 33, 260, 256),
                                      (8, 80, 64, 16), (5, 100, 600, 512), (13, 70, 530, 512)] {
                let a = random(m * k, in: -1...1), b = random(k * n, in: -1...1)
                var c = random(m * n, in: -1...1)
                exact_sgemm(Int32(m), Int32(n), Int32(k), Int32(stride), a, b, Int32(n), &c, Int32(n))
                for i in 0..<m {
                    for j in 0..<n {
                        var expected: Float = 0
                        for k0 in Swift.stride(from: 0, to: k, by: stride) {
                            var block: Float = 0
                            for p in k0..<min(k, k0 + stride) { block = block.addingProduct(a[i * k + p], b[p * n + j]) }
                            expected = k0 == 0 ? block : expected + block
                        }
                        XCTAssertEqual(c[i * n + j].bitPattern, expected.bitPattern, "\(instructions), m=\(m) n=\(n) k=\(k): element (\(i), \(j))")
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
