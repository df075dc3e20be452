@testable import Engine
import TestSupport
import XCTest

/// Winograd's F(4x4, 3x3) against the direct im2col convolution on the same weights.
final class WinogradConvolutionTests: XCTestCase {
    private let context = ComputeContext(threads: 2)

    func testMatchesDirectConvolutionOnOddShapes() {
        var generator = SeededGenerator(seed: 7)
        // The last three shapes have several bands of tiles, which the threads take whole, and
        // bands that begin and end inside rows of tiles.
        for (inputs, outputs, height, width) in [(3, 64, 17, 19), (13, 10, 16, 16), (64, 9, 33, 7), (8, 8, 2, 130),
                                                 (64, 64, 98, 41), (32, 16, 70, 70), (16, 24, 61, 200)] {
            let convolution = Convolution(
                weight: (0..<(outputs * inputs * 9)).map { _ in Float.random(in: -0.5...0.5, using: &generator) },
                bias: (0..<outputs).map { _ in Float.random(in: -0.5...0.5, using: &generator) },
                inputChannels: inputs, outputChannels: outputs, kernelSize: 3)
            let input = Tensor(channels: inputs, height: height, width: width,
                               values: (0..<(inputs * height * width)).map { _ in Float.random(in: 0...1, using: &generator) })
            forEachInstructionSet { instructions in
                for relu in [false, true] {
                    let whole = RowBand(input), rows = 0..<height
                    let expected = convolution.direct(whole, rows: rows, relu: relu, context: context)
                    let produced = convolution.winograd(whole, rows: rows, relu: relu, context: context)
                    XCTAssertEqual(produced.shape, expected.shape)
                    let scale = expected.values.map(abs).max() ?? 1
                    let worst = zip(produced.values, expected.values).map { abs($0 - $1) }.max() ?? .infinity
                    XCTAssertLessThanOrEqual(worst / scale, 1e-5,
                                             "\(inputs)->\(outputs) at \(height)x\(width), relu \(relu), \(instructions)")
                }
            }
        }
    }

    /// An upsampling read and a max-pool written as the transforms go, against the same steps one
    /// after another: the same values to the bit. The last shape's bands of tiles begin inside rows
    /// of tiles, at odd columns of the upsampling; odd sizes leave half pooling windows.
    func testFusedUpsamplingAndPoolingEqualTheStepsOneAfterAnother() {
        var generator = SeededGenerator(seed: 9)
        for (inputs, outputs, height, width) in [(5, 7, 21, 23), (16, 8, 20, 33), (3, 4, 24, 24), (64, 64, 20, 40),
                                                 (8, 8, 33, 35)] {
            let convolution = Convolution(
                weight: (0..<(outputs * inputs * 9)).map { _ in Float.random(in: -0.5...0.5, using: &generator) },
                bias: (0..<outputs).map { _ in Float.random(in: -0.5...0.5, using: &generator) },
                inputChannels: inputs, outputChannels: outputs, kernelSize: 3)
            let input = Tensor(channels: inputs, height: height, width: width,
                               values: (0..<(inputs * height * width)).map { _ in Float.random(in: -1...1, using: &generator) })
            let upsampled = RowBand(input.upsampledNearest(factorY: 2, factorX: 2, context: context))
            forEachInstructionSet { instructions in
                for (upsampling, pooling, relu) in [(true, false, true), (false, true, false), (true, true, true)] {
                    let source = upsampling ? upsampled : RowBand(input), side = source.tensor.height
                    for rows in [0..<side, 4..<(side - 1)] {
                        let convolved = convolution.winograd(source, rows: rows, relu: relu, context: context)
                        let expected = pooling ? convolved.maxPooled(context: context) : convolved
                        let produced = convolution.winograd(RowBand(input), upsampled: upsampling, pooled: pooling,
                                                            rows: rows, relu: relu, context: context)
                        XCTAssertEqual(produced.shape, expected.shape)
                        XCTAssertEqual(produced.values, expected.values, """
                            \(height)x\(width), upsampled \(upsampling), pooled \(pooling), rows \(rows), \(instructions)
                            """)
                    }
                }
            }
        }
    }

    func testLargeInputsTakeTheWinogradPath() {
        let convolution = Convolution(weight: [Float](repeating: 1, count: 8 * 9), bias: [0.5],
                                      inputChannels: 8, outputChannels: 1, kernelSize: 3)
        let input = Tensor(channels: 8, height: 16, width: 16, values: (0..<2048).map { Float($0 % 5) })
        XCTAssertGreaterThanOrEqual(input.planeSize, Convolution.winogradMinimumPositions)
        XCTAssertTrue(convolution.takesWinograd(rows: 16, width: 16))
        let produced = convolution(input, relu: false, context: context)
        let expected = convolution.direct(RowBand(input), rows: 0..<16, relu: false, context: context)
        let worst = zip(produced.values, expected.values).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 1e-4)
    }
}
