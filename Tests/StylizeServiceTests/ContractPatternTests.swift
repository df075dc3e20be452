import Foundation
import StyleTransfer
import TestSupport
import XCTest

/// openapi.yaml's `style_weights` patterns accept exactly the forms the service accepts, for
/// every number of styles, so that a client validating against the contract is never refused.
final class ContractPatternTests: XCTestCase {
    func testStyleWeightPatternsMatchTheService() throws {
        let patterns = try Self.styleWeightPatterns()
        XCTAssertEqual(patterns.count, 4, "one pattern per number of styles, 1 to 4")
        var generator = SeededGenerator(seed: 7)
        let alphabet = Array("0000123456789..,,e+- ")
        for (index, pattern) in patterns.enumerated() {
            let styles = index + 1
            let regex = try Regex(pattern)
            var samples = ["1", "0", "1,3", "0,0.5", "0,0,0,0", "0.000001,0,0,0", "1e3", "0.25,0.75,0,0"]
            for _ in 0..<20_000 {
                samples.append(String((0..<Int.random(in: 1...16, using: &generator)).map { _ in
                    alphabet.randomElement(using: &generator)!
                }))
            }
            for text in samples {
                let accepted = StylizeOptions.styleWeights(parsing: text).map { weights in
                    (try? StylizeOptions(styleWeights: weights).normalizedStyleWeights(styleCount: styles)) != nil
                } ?? false
                XCTAssertEqual(text.wholeMatch(of: regex) != nil, accepted, "'\(text)' with \(styles) styles")
            }
        }
    }

    /// The single-quoted `pattern:` lines of the form's anyOf, in order of the number of styles.
    private static func styleWeightPatterns() throws -> [String] {
        let contract = try String(contentsOf: ServiceHarness.repository.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        return contract.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("pattern: '"), trimmed.hasSuffix("'") else { return nil }
            return String(trimmed.dropFirst("pattern: '".count).dropLast())
        }
    }
}
