@testable import Engine
import TestSupport
import XCTest

/// QLinearConv against its definition computed on integers: every way the engine forms the
/// sums (depthwise, 1x1, in place on a padded input, unfolded, and on integers when float sums
/// could round), on odd channel counts, strides 1 and 2 and the paddings the graphs use.
final class IntegerConvolutionTests: XCTestCase {
    private var generator = SeededGenerator(seed: 11)

    private struct Shape {
        var inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int, pads: [Int], depthwise = false
        var height: Int, width: Int
        var weights: ClosedRange<Int16> = -127...127
    }

    func testEverySumMatchesTheIntegerDefinition() {
        let shapes = [
            Shape(inputChannels: 7, outputChannels: 7, kernel: 3, stride: 1, pads: [1, 1, 1, 1], depthwise: true,
                  height: 9, width: 21),
            Shape(inputChannels: 5, outputChannels: 5, kernel: 3, stride: 2, pads: [0, 0, 1, 1], depthwise: true,
                  height: 10, width: 33),
            Shape(inputChannels: 6, outputChannels: 6, kernel: 3, stride: 2, pads: [1, 1, 1, 1], depthwise: true,
                  height: 7, width: 9),
            Shape(inputChannels: 13, outputChannels: 5, kernel: 1, stride: 1, pads: [0, 0, 0, 0], height: 6, width: 90),
            Shape(inputChannels: 3, outputChannels: 9, kernel: 3, stride: 1, pads: [0, 0, 0, 0], height: 5, width: 20),
            Shape(inputChannels: 3, outputChannels: 4, kernel: 3, stride: 2, pads: [1, 1, 1, 1], height: 11, width: 17),
            Shape(inputChannels: 5, outputChannels: 6, kernel: 3, stride: 2, pads: [0, 0, 0, 0], height: 9, width: 40),
            Shape(inputChannels: 2, outputChannels: 3, kernel: 9, stride: 1, pads: [4, 4, 4, 4], height: 12, width: 10),
            // Filters whose float sums could pass 2^24: the integer product.
            Shape(inputChannels: 80, outputChannels: 3, kernel: 3, stride: 1, pads: [1, 1, 1, 1], height: 4, width: 18,
                  weights: 200...255),
        ]
        for shape in shapes {
            let taps = shape.kernel * shape.kernel, perOutput = (shape.depthwise ? 1 : shape.inputChannels) * taps
            let weight = (0..<shape.outputChannels * perOutput).map { _ in
                Int16.random(in: shape.weights, using: &generator) * (Bool.random(using: &generator) ? 1 : -1)
            }
            let bias = (0..<shape.outputChannels).map { _ in Int32.random(in: -5000...5000, using: &generator) }
            let input = Tensor(channels: shape.inputChannels, height: shape.height, width: shape.width,
                               values: (0..<shape.inputChannels * shape.height * shape.width).map { _ in
                                   Float(Int.random(in: -128...127, using: &generator))
                               })
            // Scaled so that typical sums land across the whole int8 range.
            let zeroPoint: Float = -3
            let typical = Float(perOutput).squareRoot() * Float(shape.weights.upperBound) / 2 * 74
            let multiplier = (0..<shape.outputChannels).map { _ in Float.random(in: 30...60, using: &generator) / typical }
            let output = Quantization(scale: 0.05, zeroPoint: 4)
            let geometry = ConvolutionGeometry(inputChannels: shape.inputChannels, outputChannels: shape.outputChannels,
                                               kernelHeight: shape.kernel, kernelWidth: shape.kernel,
                                               stride: (shape.stride, shape.stride), pads: shape.pads,
                                               groups: shape.depthwise ? shape.inputChannels : 1)
            let convolution = IntegerConvolution(geometry: geometry, weight: weight, bias: bias, inputZeroPoint: zeroPoint,
                                                 multiplier: multiplier, output: output)
            let expected = definition(geometry, shape, weight, bias, zeroPoint, multiplier, output, input)
            forEachInstructionSet { instructions in
                for threads in [1, 2] {
                    let result = convolution(input, context: ComputeContext(threads: threads))
                    XCTAssertEqual(result.shape, expected.shape)
                    XCTAssertEqual(result.values, expected.values, "\(shape), \(instructions), \(threads) threads")
                }
            }
        }
    }

    /// acc = bias + sum of w x (x - zero point), the padding at the zero point; then the rescale.
    private func definition(_ g: ConvolutionGeometry, _ shape: Shape, _ weight: [Int16], _ bias: [Int32],
                            _ zeroPoint: Float, _ multiplier: [Float], _ output: Quantization, _ input: Tensor) -> Tensor {
        let (outH, outW) = g.outputSize(height: input.height, width: input.width)
        let taps = g.taps, channelsPerOutput = shape.depthwise ? 1 : g.inputChannels
        var result = Tensor(zeros: g.outputChannels, height: outH, width: outW)
        for o in 0..<g.outputChannels {
            for y in 0..<outH {
                for x in 0..<outW {
                    var acc = Int(bias[o])
                    for j in 0..<channelsPerOutput {
                        let c = shape.depthwise ? o : j
                        for t in 0..<taps {
                            let iy = y * shape.stride - shape.pads[0] + t / shape.kernel
                            let ix = x * shape.stride - shape.pads[1] + t % shape.kernel
                            let inside = iy >= 0 && iy < input.height && ix >= 0 && ix < input.width
                            let level = inside ? input.values[(c * input.height + iy) * input.width + ix] : zeroPoint
                            acc += Int(weight[(o * channelsPerOutput + j) * taps + t]) * Int(level - zeroPoint)
                        }
                    }
                    result.values[(o * outH + y) * outW + x] = output.level(Float(Int32(acc)) * multiplier[o])
                }
            }
        }
        return result
    }
}
