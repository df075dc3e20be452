@testable import Engine
import TestSupport
import XCTest

/// The vectorised level sum behind QLinearGlobalAveragePool against a plain integer sum, where
/// float rounding would first show: planes past 2^16 and 2^24 / 128 levels, extreme levels,
/// lengths that leave a tail.
final class LevelSumTests: XCTestCase {
    private func check(_ levels: [Float], file: StaticString = #filePath, line: UInt = #line) {
        let expected = levels.reduce(0) { $0 + Int($1) }
        let sum = levels.withUnsafeBufferPointer { IntegerAveragePool.levelSum($0.baseAddress!, count: levels.count) }
        XCTAssertEqual(sum, expected, "\(levels.count) levels", file: file, line: line)
    }

    func testExtremeLevelsOverLongPlanes() {
        for count in [1, 15, 17, 65_535, 65_537, 131_072 + 9, (1 << 17) + (1 << 16) + 3] {
            check([Float](repeating: 127, count: count))
            check([Float](repeating: -128, count: count))
        }
    }

    func testRandomLevels() {
        var generator = SeededGenerator(seed: 11)
        for count in [0, 3, 16, 1000, 262_144 + 5] {
            check((0..<count).map { _ in Float(Int.random(in: -128...127, using: &generator)) })
        }
    }
}
