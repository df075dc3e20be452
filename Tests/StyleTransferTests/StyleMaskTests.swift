import Engine
import ImageCodec
@testable import StyleTransfer
import XCTest

/// Masks for spatial control: what a mask file means, its shape checked against the content's,
/// and the blend it drives reducing to the plain one where masks cover fully.
final class StyleMaskTests: XCTestCase {
    func testTheAlphaPlaneWinsOverTheGreyLevel() {
        let grey = Image(width: 2, height: 1, rgb: [0, 1, 0, 1, 0, 1])
        XCTAssertEqual(StyleMask(grey).coverage, [0, 1])
        var withAlpha = grey
        withAlpha.alpha = [0.25, 0.75]
        XCTAssertEqual(StyleMask(withAlpha).coverage, [0.25, 0.75])
        let red = Image(width: 1, height: 1, rgb: [1, 0, 0])
        XCTAssertEqual(StyleMask(red).coverage[0], 0.299, accuracy: 1e-6)
    }

    func testAMaskOfAnotherShapeIsRefusedAndOneOfTheSameShapeIsResampled() throws {
        let mask = StyleMask(width: 64, height: 48, coverage: [Float](repeating: 1, count: 64 * 48))
        XCTAssertThrowsError(try mask.fitted(to: (128, 64), index: 1)) { error in
            XCTAssertEqual(error as? StylizeError,
                           .maskAspect(index: 1, maskWidth: 64, maskHeight: 48, contentWidth: 128, contentHeight: 64))
            XCTAssertTrue("\(error)".contains("mask 2"), "\(error)")
        }
        let fitted = try mask.fitted(to: (129, 96), index: 0)
        XCTAssertEqual([fitted.width, fitted.height], [129, 96])
        XCTAssertTrue(fitted.coverage.allSatisfy { abs($0 - 1) < 1e-5 })
    }

    func testPoolingAveragesBlocksOfThePaddedMask() {
        // 16 x 12 padded by reflection to 16 x 16: the right blocks hold columns 8...11 and their mirrors.
        let coverage = (0..<(16 * 12)).map { Float($0 % 12 >= 8 ? 1 : 0) }
        let pooled = StyleMask(width: 12, height: 16, coverage: coverage).pooled(paddedToMultipleOf: 16, factor: 8)
        // Columns 12, 13, 14 mirror 10, 9, 8 (covered); 15 mirrors 7 (not).
        XCTAssertEqual(pooled, [0, 7.0 / 8.0, 0, 7.0 / 8.0])
    }

    func testFullMasksGiveThePlainBlendAndEmptyOnesTheReconstruction() {
        let style = Tensor(channels: 1, height: 1, width: 2, values: [10, 20])
        let other = Tensor(channels: 1, height: 1, width: 2, values: [30, 40])
        let reconstruction = Tensor(channels: 1, height: 1, width: 2, values: [1, 2])
        let images = [Image(width: 1, height: 1, rgb: [0, 0, 0]), Image(width: 1, height: 1, rgb: [1, 1, 1])]
        let stylized = { (image: Image) in image.rgb[0] == 0 ? style : other }
        let full = SpatialBlend(masks: [[1, 1], [1, 1]], weights: [0.25, 0.75], strength: 0.5)
            .mix(images, stylized: stylized, reconstruction: { reconstruction })
        // 0.5 * (0.25 * 10 + 0.75 * 30) + 0.5 * 1 and 0.5 * (0.25 * 20 + 0.75 * 40) + 0.5 * 2.
        XCTAssertEqual(full.values, [13, 18.5])
        // Left: only the first style, fully; right: nothing covers, the reconstruction.
        let split = SpatialBlend(masks: [[1, 0], [0, 0]], weights: [0.5, 0.5], strength: 1)
            .mix(images, stylized: stylized, reconstruction: { reconstruction })
        XCTAssertEqual(split.values, [10, 2])
    }

    func testOneMaskPerStyleIsRequired() throws {
        let model = try ReferenceFixtures.model("weights-zip")
        let image = Image(width: 32, height: 32, rgb: [Float](repeating: 0.5, count: 3 * 32 * 32))
        let mask = StyleMask(image)
        XCTAssertThrowsError(try model.stylize(content: image, styles: [image, image], masks: [mask],
                                               options: StylizeOptions(contentSize: 0, styleSize: 0), context: .allCores)) { error in
            XCTAssertEqual(error as? StylizeError, .maskCount(masks: 1, styles: 2))
        }
    }
}
