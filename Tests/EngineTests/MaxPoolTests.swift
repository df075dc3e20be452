@testable import Engine
import TestSupport
import XCTest

/// The 2x2 max-pool (stride 2, ceil mode) against its definition, on sizes that leave half
/// windows and vector tails.
final class MaxPoolTests: XCTestCase {
    func testMatchesTheDefinitionOnOddAndEvenSizes() {
        var generator = SeededGenerator(seed: 5)
        let context = ComputeContext(threads: 2)
        forEachInstructionSet { instructions in
            for (height, width) in [(1, 1), (2, 2), (3, 31), (4, 32), (5, 33), (2, 64), (7, 65), (6, 97)] {
                let channels = 3
                let input = Tensor(channels: channels, height: height, width: width,
                                   values: (0..<(channels * height * width)).map { _ in
                                       Float.random(in: -1...1, using: &generator)
                                   })
                let pooled = input.maxPooled(context: context)
                let outH = (height + 1) / 2, outW = (width + 1) / 2
                XCTAssertEqual(pooled.shape, [channels, outH, outW])
                for c in 0..<channels {
                    for oy in 0..<outH {
                        for ox in 0..<outW {
                            var expected = -Float.infinity
                            for y in (2 * oy)..<min(2 * oy + 2, height) {
                                for x in (2 * ox)..<min(2 * ox + 2, width) {
                                    expected = max(expected, input.values[(c * height + y) * width + x])
                                }
                            }
                            XCTAssertEqual(pooled.values[(c * outH + oy) * outW + ox], expected,
                                           "\(instructions), \(height)x\(width), channel \(c), (\(oy), \(ox))")
                        }
                    }
                }
            }
        }
    }
}
