import XCTest
@testable import ImageCodec

/// PNGs written by Pillow (or by hand where Pillow cannot), compared sample for sample.
final class PNGDecoderTests: XCTestCase {
    func testRGB8() throws { try assertDecodesAsExpected("png_rgb8") }
    func testRGBA8() throws { try assertDecodesAsExpected("png_rgba8") }
    func testGray8ExpandsToEqualChannels() throws { try assertDecodesAsExpected("png_gray8") }
    func testGrayAlpha8() throws { try assertDecodesAsExpected("png_gray_alpha8") }
    func testGray16() throws { try assertDecodesAsExpected("png_gray16") }
    func testRGB16() throws { try assertDecodesAsExpected("png_rgb16") }
    func testRGBA16() throws { try assertDecodesAsExpected("png_rgba16") }
    func testPalette8() throws { try assertDecodesAsExpected("png_palette") }
    func testPalette4() throws { try assertDecodesAsExpected("png_palette4") }
    func testPaletteWithTransparencyBecomesAlpha() throws { try assertDecodesAsExpected("png_palette_trns") }
    func testGray1() throws { try assertDecodesAsExpected("png_gray1") }
    func testGrayColorKeyBecomesAlpha() throws { try assertDecodesAsExpected("png_gray_trns") }
    func testInterlacedRGB8() throws { try assertDecodesAsExpected("png_interlaced_rgb8") }
    func testInterlacedRGBA16() throws { try assertDecodesAsExpected("png_interlaced_rgba16") }

    func testSixteenBitKeepsFullPrecision() throws {
        let image = try assertDecodesAsExpected("png_rgb16")
        let offGrid = image.rgb.filter { value in
            let scaled = value * 255
            return abs(scaled - scaled.rounded()) > 0.01
        }
        XCTAssertGreaterThan(offGrid.count, image.rgb.count / 2, "16-bit samples were reduced to 8 bits")
    }

    func testOpaqueImagesHaveNoAlpha() throws {
        let image = try ImageDecoder().decode(try Fixtures.bytes("png_rgb8.png"))
        XCTAssertNil(image.alpha)
    }

    func testDimensions() throws {
        let size = try ImageDecoder().header(of: try Fixtures.bytes("png_rgb8.png"))
        XCTAssertEqual(size.width, 23)
        XCTAssertEqual(size.height, 17)
    }
}
