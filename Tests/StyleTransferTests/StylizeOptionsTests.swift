import Engine
import ImageCodec
import StyleTransfer
import XCTest

/// Bad controls and images are refused with a message that says what to change.
final class StylizeOptionsTests: XCTestCase {
    func testStyleWeightsAreNormalised() throws {
        XCTAssertEqual(try StylizeOptions(styleWeights: [1, 3]).normalizedStyleWeights(styleCount: 2), [0.25, 0.75])
        XCTAssertEqual(try StylizeOptions().normalizedStyleWeights(styleCount: 4), [0.25, 0.25, 0.25, 0.25])
    }

    func testStyleWeightsArePlainDecimals() {
        let accepted: [(String, [Float])] = [
            ("1,3", [1, 3]), ("0.25,0.75", [0.25, 0.75]), ("0", [0]), ("999999", [999_999]), ("0.000001", [0.000001]),
            ("10.5,0,2", [10.5, 0, 2]),
        ]
        for (text, weights) in accepted {
            XCTAssertEqual(StylizeOptions.styleWeights(parsing: text), weights, text)
        }
        for text in ["", "1e3", "+1", "-1", ".5", "5.", "01", "1, 3", " 1", "1,,2", "1,", "1000000", "0.0000001",
                     "1.2.3", "inf", "nan", "0x10", "１"] {
            XCTAssertNil(StylizeOptions.styleWeights(parsing: text), text)
        }
    }

    func testInvalidControlsAreRefused() {
        let cases: [(StylizeOptions, Int, StylizeError)] = [
            (StylizeOptions(alpha: 1.5), 1, .invalidAlpha(1.5)),
            (StylizeOptions(alpha: -0.1), 1, .invalidAlpha(-0.1)),
            (StylizeOptions(styleWeights: [1]), 2, .styleWeightCount(weights: 1, styles: 2)),
            (StylizeOptions(styleWeights: [0, 0]), 2, .invalidStyleWeights([0, 0])),
            (StylizeOptions(styleWeights: [1, -1]), 2, .invalidStyleWeights([1, -1])),
            (StylizeOptions(contentSize: -1), 1, .invalidSize(name: "content size", value: -1)),
            (StylizeOptions(), 0, .noStyle),
        ]
        for (options, styles, expected) in cases {
            XCTAssertThrowsError(try options.normalizedStyleWeights(styleCount: styles)) { error in
                XCTAssertEqual(error as? StylizeError, expected)
            }
        }
        XCTAssertThrowsError(try StylizeOptions(alpha: .nan).normalizedStyleWeights(styleCount: 1))
    }

    func testImagesBelowTheMinimumSizeAreRefusedNotTurnedIntoNaNs() throws {
        let model = try ReferenceFixtures.model("weights-zip")
        let small = Image(width: 31, height: 200, rgb: [Float](repeating: 0.5, count: 3 * 31 * 200))
        let fine = Image(width: 64, height: 64, rgb: [Float](repeating: 0.5, count: 3 * 64 * 64))
        let options = StylizeOptions(contentSize: 0, styleSize: 0)
        XCTAssertThrowsError(try model.stylize(content: small, styles: [fine], options: options, context: .allCores)) { error in
            XCTAssertEqual(error as? StylizeError,
                           .imageTooSmall(role: "content", width: 31, height: 200, minimum: 32))
        }
        XCTAssertThrowsError(try model.stylize(content: fine, styles: [small], options: options, context: .allCores)) { error in
            XCTAssertEqual(error as? StylizeError,
                           .imageTooSmall(role: "style", width: 31, height: 200, minimum: 32))
        }
    }

    func testUniformImagesGiveFiniteOutput() throws {
        let model = try ReferenceFixtures.model("weights-zip")
        let flat = Image(width: 40, height: 36, rgb: [Float](repeating: 0.3, count: 3 * 40 * 36))
        for method in model.methods {
            let output = try model.stylize(content: flat, styles: [flat],
                                           options: StylizeOptions(method: method, preserveColor: true,
                                                                   contentSize: 0, styleSize: 0),
                                           context: .allCores)
            XCTAssertEqual(output.width, 40)
            XCTAssertEqual(output.height, 36)
            XCTAssertTrue(output.rgb.allSatisfy(\.isFinite), "\(method) produced NaN on a uniform image")
        }
    }
}
