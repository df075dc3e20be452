import Engine
import Foundation
import ImageCodec
import StyleTransfer
import TestSupport
import XCTest

/// Stylized images against PyTorch running the same graph on the same checkpoints.
final class GoldenOutputTests: XCTestCase {
    /// Largest difference allowed per 8-bit channel value.
    static let tolerance = 2

    func testEveryReferenceCaseMatchesPyTorch() throws {
        let cases = try ReferenceFixtures.cases()
        XCTAssertGreaterThanOrEqual(cases.count, 10, "the reference should cover every control")
        XCTAssertTrue(cases.contains { $0.masks != nil && $0.method == "sanet" } && cases.contains { $0.masks != nil && $0.method == "adain" })
        try forEachInstructionSet { instructions in
            for testCase in cases {
                let model = try ReferenceFixtures.model(testCase.weights)
                let options = StylizeOptions(method: try XCTUnwrap(Method(rawValue: testCase.method)),
                                             alpha: testCase.alpha, styleWeights: testCase.style_weights,
                                             preserveColor: testCase.preserve_color, contentSize: 0, styleSize: 0)
                let content = try ReferenceFixtures.image(testCase.content)
                let styles = try testCase.styles.map(ReferenceFixtures.image)
                let masks = try testCase.masks?.map { StyleMask(try ReferenceFixtures.image($0)) }
                let output = try model.stylize(content: content, styles: styles, masks: masks, options: options,
                                               context: .allCores)
                let produced = try ImageDecoder().decode(try PNGEncoder.encode(output))
                let expected = try ReferenceFixtures.image(testCase.expected)
                XCTAssertEqual(produced.width, content.width, testCase.name)
                XCTAssertEqual(produced.height, content.height, testCase.name)
                guard produced.width == expected.width, produced.height == expected.height else {
                    XCTFail("\(testCase.name): \(produced.width)x\(produced.height), expected \(expected.width)x\(expected.height)")
                    continue
                }
                let differences = zip(produced.rgb, expected.rgb).map { abs(Int(($0 * 255).rounded()) - Int(($1 * 255).rounded())) }
                let worst = differences.max() ?? 0
                let mean = Double(differences.reduce(0, +)) / Double(differences.count)
                XCTAssertLessThanOrEqual(worst, Self.tolerance,
                                         "\(testCase.name), \(instructions): largest difference \(worst)/255, mean \(mean)/255")
            }
        }
    }
}
