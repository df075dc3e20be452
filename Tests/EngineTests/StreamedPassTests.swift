@testable import Engine
import TestSupport
import XCTest

/// A pass streamed in bands of rows gives what the whole pass gives, halos and borders included.
final class StreamedPassTests: XCTestCase {
    func testBandsOfAnySizeMatchTheWholePass() throws {
        var generator = SeededGenerator(seed: 11)
        func convolution(_ inputs: Int, _ outputs: Int, kernel: Int, relu: Bool) -> Sequential.Layer {
            let taps = kernel * kernel
            return .convolution(Convolution(
                weight: (0..<(outputs * inputs * taps)).map { _ in Float.random(in: -0.4...0.4, using: &generator) },
                bias: (0..<outputs).map { _ in Float.random(in: -0.4...0.4, using: &generator) },
                inputChannels: inputs, outputChannels: outputs, kernelSize: kernel), relu: relu)
        }
        let network = Sequential(layers: [
            convolution(3, 3, kernel: 1, relu: false),
            convolution(3, 8, kernel: 3, relu: true),
            .maxPool,
            convolution(8, 16, kernel: 3, relu: true),
            .upsample,
            convolution(16, 8, kernel: 3, relu: true),
            .maxPool,
            .upsample,
            convolution(8, 3, kernel: 3, relu: false),
        ])
        for (height, width) in [(37, 29), (64, 48)] {
            let input = Tensor(channels: 3, height: height, width: width,
                               values: (0..<(3 * height * width)).map { _ in Float.random(in: 0...1, using: &generator) })
            let whole = try network(input, context: ComputeContext(threads: 2))
            for budget in [1, 16 * 48 * 3, 16 * 48 * 10] {
                let streamed = try network(input, context: ComputeContext(threads: 2, layerBudget: budget))
                XCTAssertEqual(streamed.shape, whole.shape)
                let scale = whole.values.map(abs).max() ?? 1
                let worst = zip(streamed.values, whole.values).map { abs($0 - $1) }.max() ?? .infinity
                XCTAssertLessThanOrEqual(worst / scale, 1e-5, "\(height)x\(width) in bands of budget \(budget)")
            }
        }
    }
}
