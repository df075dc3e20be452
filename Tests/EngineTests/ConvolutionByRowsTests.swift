@testable import Engine
import TestSupport
import XCTest

/// A 3x3 convolution on a few input channels (VGG's first) read by rows, against the direct
/// im2col convolution on the same weights, and band by band against the whole map.
final class ConvolutionByRowsTests: XCTestCase {
    private let context = ComputeContext(threads: 2)

    private func randomConvolution(_ inputs: Int, _ outputs: Int, _ generator: inout SeededGenerator) -> Convolution {
        Convolution(weight: (0..<(outputs * inputs * 9)).map { _ in Float.random(in: -0.5...0.5, using: &generator) },
                    bias: (0..<outputs).map { _ in Float.random(in: -0.5...0.5, using: &generator) },
                    inputChannels: inputs, outputChannels: outputs, kernelSize: 3)
    }

    private func randomInput(_ channels: Int, _ height: Int, _ width: Int, _ generator: inout SeededGenerator) -> Tensor {
        Tensor(channels: channels, height: height, width: width,
               values: (0..<(channels * height * width)).map { _ in Float.random(in: 0...1, using: &generator) })
    }

    func testFewInputChannelsGoByRowsAndMatchTheDirectConvolution() {
        var generator = SeededGenerator(seed: 13)
        for (inputs, outputs, height, width) in [(3, 64, 17, 19), (1, 5, 30, 16), (4, 9, 9, 41), (3, 16, 2, 33),
                                                 (3, 64, 40, 70)] {
            let convolution = randomConvolution(inputs, outputs, &generator)
            let input = randomInput(inputs, height, width, &generator)
            XCTAssertTrue(convolution.takesRows(width: width))
            XCTAssertFalse(convolution.takesWinograd(rows: height, width: width))
            forEachInstructionSet { instructions in
                for relu in [false, true] {
                    let expected = convolution.direct(RowBand(input), rows: 0..<height, relu: relu, context: context)
                    let produced = convolution(input, relu: relu, context: context)
                    XCTAssertEqual(produced.shape, expected.shape)
                    let scale = expected.values.map(abs).max() ?? 1
                    let worst = zip(produced.values, expected.values).map { abs($0 - $1) }.max() ?? .infinity
                    XCTAssertLessThanOrEqual(worst / scale, 1e-6,
                                             "\(inputs)->\(outputs) at \(height)x\(width), relu \(relu), \(instructions)")
                    if relu { XCTAssertEqual(produced.values.min(), 0) }
                }
            }
        }
    }

    /// Bands that hold only the rows their outputs need, at the top, inside and at the bottom of
    /// the map, give the whole map's rows to the bit.
    func testBandsGiveTheWholeMapsRows() {
        var generator = SeededGenerator(seed: 17)
        let (height, width) = (23, 37)
        let convolution = randomConvolution(3, 24, &generator)
        let input = randomInput(3, height, width, &generator)
        let whole = convolution(input, relu: true, context: context)
        for rows in [0..<5, 0..<1, 6..<13, 22..<23, 17..<23, 0..<23] {
            let held = max(0, rows.lowerBound - 1)..<min(height, rows.upperBound + 1)
            let band = RowBand(input.rows(held), top: held.lowerBound, fullHeight: height)
            let produced = convolution(band, rows: rows, relu: true, context: context)
            XCTAssertEqual(produced.values, whole.rows(rows).values, "rows \(rows)")
        }
    }

    func testManyInputChannelsOrNarrowMapsDoNot() {
        var generator = SeededGenerator(seed: 19)
        XCTAssertFalse(randomConvolution(5, 8, &generator).takesRows(width: 64))
        XCTAssertFalse(randomConvolution(3, 8, &generator).takesRows(width: 15))
    }
}
