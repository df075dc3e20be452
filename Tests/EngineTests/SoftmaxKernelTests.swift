import CKernels
import Foundation
import TestSupport
import XCTest

/// The attention's softmax against the definition in double precision.
final class SoftmaxKernelTests: XCTestCase {
    func testRowsMatchTheDefinitionToAFewUlps() {
        var generator = SeededGenerator(seed: 11)
        forEachInstructionSet { instructions in
            for length in [1, 15, 16, 37, 4096] {
                let rows = 3
                let input = (0..<(rows * length)).map { _ in Float.random(in: -120...30, using: &generator) }
                var scores = input
                softmax_rows(&scores, Int32(rows), Int32(length))
                for row in 0..<rows {
                    let x = input[(row * length)..<((row + 1) * length)].map(Double.init)
                    let peak = x.max()!
                    let sum = x.reduce(0) { $0 + exp($1 - peak) }
                    for i in 0..<length {
                        let expected = exp(x[i] - peak) / sum
                        let produced = Double(scores[row * length + i])
                        XCTAssertLessThanOrEqual(abs(produced - expected), 4e-7 * expected + 1e-37,
                                                 "\(instructions), length \(length), row \(row), element \(i)")
                    }
                }
            }
        }
    }
}
