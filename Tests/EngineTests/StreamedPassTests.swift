@testable import SANet
import TorchCheckpoint
import XCTest

/// A pass streamed in bands of rows gives what the whole pass gives, halos and borders included.
final class StreamedPassTests: XCTestCase {
    func testBandsOfAnySizeMatchTheWholePass() throws {
        let specs: [LayerSpec] = [
            .convolution(index: 0, inputs: 3, outputs: 3, kernel: 1, relu: false),
            .convolution(index: 1, inputs: 3, outputs: 8, kernel: 3, relu: true),
            .maxPool,
            .convolution(index: 2, inputs: 8, outputs: 16, kernel: 3, relu: true),
            .upsample,
            .convolution(index: 3, inputs: 16, outputs: 8, kernel: 3, relu: true),
            .maxPool,
            .upsample,
            .convolution(index: 4, inputs: 8, outputs: 3, kernel: 3, relu: false),
        ]
        var generator = SeededGenerator(seed: 11)
        var parameters: [String: [Float]] = [:]
        for spec in specs {
            for parameter in spec.parameters {
                parameters[parameter.key] = (0..<parameter.shape.reduce(1, *)).map { _ in
                    Float.random(in: -0.4...0.4, using: &generator)
                }
            }
        }
        let network = Sequential(specs, parameters: parameters)
        for (height, width) in [(37, 29), (64, 48)] {
            let input = Tensor(channels: 3, height: height, width: width,
                               values: (0..<(3 * height * width)).map { _ in Float.random(in: 0...1, using: &generator) })
            let whole = try network(input)
            for budget in [1, 16 * 48 * 3, 16 * 48 * 10] {
                let streamed = try network(input, bandBudget: budget)
                XCTAssertEqual(streamed.shape, whole.shape)
                let scale = whole.values.map(abs).max() ?? 1
                let worst = zip(streamed.values, whole.values).map { abs($0 - $1) }.max() ?? .infinity
                XCTAssertLessThanOrEqual(worst / scale, 1e-5, "\(height)x\(width) in bands of budget \(budget)")
            }
        }
    }
}
