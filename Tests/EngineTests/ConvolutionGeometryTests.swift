@testable import Engine
import TestSupport
import XCTest

/// The one unfolding (im2col) behind every convolution, against its definition: every stride,
/// padding and row order the networks use, on odd shapes, whole and in bands of rows.
final class ConvolutionGeometryTests: XCTestCase {
    private var generator = SeededGenerator(seed: 3)

    /// The padded input at (c, y, x), as the definition reads it.
    private func padded(_ input: Tensor, _ c: Int, _ y: Int, _ x: Int, _ padding: ConvolutionGeometry.Padding) -> Float {
        if case let .constant(value) = padding,
           !(0..<input.height).contains(y) || !(0..<input.width).contains(x) { return value }
        func reflected(_ i: Int, _ size: Int) -> Int { i < 0 ? -i : i >= size ? 2 * size - 2 - i : i }
        return input.values[(c * input.height + reflected(y, input.height)) * input.width + reflected(x, input.width)]
    }

    func testUnfoldingMatchesItsDefinition() {
        let paddings: [ConvolutionGeometry.Padding] = [.constant(0), .constant(-3), .reflect]
        for (channels, height, width, kernel, stride, pads) in [
            (3, 9, 11, 3, 1, [1, 1, 1, 1]), (5, 16, 7, 3, 2, [0, 0, 1, 1]), (2, 8, 8, 1, 1, [0, 0, 0, 0]),
            (4, 13, 10, 9, 1, [4, 4, 4, 4]), (3, 12, 15, 3, 2, [1, 1, 1, 1]), (1, 6, 5, 3, 1, [2, 0, 1, 2]),
        ] {
            let input = Tensor(channels: channels, height: height, width: width,
                               values: (0..<(channels * height * width)).map { _ in Float.random(in: -1...1, using: &generator) })
            for padding in paddings where padding != .reflect || pads.allSatisfy({ $0 < min(height, width) }) {
                for order in [ConvolutionGeometry.RowOrder.channelMajor, .tapMajor] {
                    let geometry = ConvolutionGeometry(inputChannels: channels, outputChannels: 1, kernelHeight: kernel,
                                                       kernelWidth: kernel, stride: (stride, stride), pads: pads,
                                                       padding: padding, rowOrder: order)
                    let (outH, outW) = geometry.outputSize(height: height, width: width)
                    let plane = outH * outW
                    for positions in [0..<plane, 3..<(plane - 2), outW..<(2 * outW + 1)] where !positions.isEmpty {
                        var columns = [Float](repeating: .nan, count: geometry.reduction * positions.count)
                        columns.withUnsafeMutableBufferPointer {
                            geometry.unfold(RowBand(input), positions: positions, outputWidth: outW, into: $0.baseAddress!)
                        }
                        for c in 0..<channels {
                            for t in 0..<kernel * kernel {
                                let row = order == .channelMajor ? c * kernel * kernel + t : t * channels + c
                                for (i, p) in positions.enumerated() {
                                    let y = p / outW * stride - pads[0] + t / kernel
                                    let x = p % outW * stride - pads[1] + t % kernel
                                    let expected = padded(input, c, y, x, padding)
                                    guard columns[row * positions.count + i] == expected else {
                                        return XCTFail("\(channels)x\(height)x\(width), k\(kernel) s\(stride) \(pads) \(padding) "
                                            + "\(order): row (c \(c), tap \(t)), position \(p): \(columns[row * positions.count + i]) "
                                            + "instead of \(expected)")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A band of input rows gives the columns the whole map gives, reflections at the borders included.
    func testABandOfRowsUnfoldsLikeTheWholeMap() {
        let (channels, height, width) = (3, 12, 9)
        let input = Tensor(channels: channels, height: height, width: width,
                           values: (0..<(channels * height * width)).map { _ in Float.random(in: -1...1, using: &generator) })
        let geometry = ConvolutionGeometry(inputChannels: channels, outputChannels: 1, kernelHeight: 3, kernelWidth: 3,
                                           pads: [1, 1, 1, 1], padding: .reflect, rowOrder: .tapMajor)
        for rows in [0..<4, 5..<9, 8..<12] {
            let top = max(0, rows.lowerBound - 1), bottom = min(height, rows.upperBound + 1)
            var band = Tensor(zeros: channels, height: bottom - top, width: width)
            for c in 0..<channels {
                for y in top..<bottom {
                    for x in 0..<width {
                        band.values[(c * band.height + y - top) * width + x] = input.values[(c * height + y) * width + x]
                    }
                }
            }
            let positions = (rows.lowerBound * width)..<(rows.upperBound * width)
            var whole = [Float](repeating: 0, count: geometry.reduction * positions.count), banded = whole
            whole.withUnsafeMutableBufferPointer {
                geometry.unfold(RowBand(input), positions: positions, outputWidth: width, into: $0.baseAddress!)
            }
            banded.withUnsafeMutableBufferPointer {
                geometry.unfold(RowBand(band, top: top, fullHeight: height), positions: positions, outputWidth: width,
                                into: $0.baseAddress!)
            }
            XCTAssertEqual(banded, whole, "rows \(rows)")
        }
    }
}
