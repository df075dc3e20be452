import ImageCodec
import TestSupport
import XCTest

/// Every output format as Pillow, an independent decoder, reads it: the size, the alpha the
/// format keeps or flattens, and the effect of quality.
final class ImageEncodingTests: XCTestCase {
    /// Smooth colour ramps, which the lossy formats reproduce closely, with an odd size that is
    /// no multiple of JPEG's or WebP's blocks.
    private func photo(width: Int = 45, height: Int = 27, alpha: [Float]? = nil) -> Image {
        let plane = width * height
        var rgb = [Float](repeating: 0, count: 3 * plane)
        for y in 0..<height {
            for x in 0..<width {
                rgb[y * width + x] = Float(x) / Float(width)
                rgb[plane + y * width + x] = Float(y) / Float(height)
                rgb[2 * plane + y * width + x] = 0.5
            }
        }
        return Image(width: width, height: height, rgb: rgb, alpha: alpha)
    }

    /// Opaque in the left half, transparent in the right.
    private func halfTransparent(width: Int = 45, height: Int = 27) -> [Float] {
        (0..<(width * height)).map { $0 % width < width / 2 ? 1 : 0 }
    }

    /// The largest difference, in 1/255 steps, between Pillow's RGB and the image's.
    private func largestDifference(_ decoded: PillowImage, _ image: Image) -> Int {
        var worst = 0
        for y in 0..<image.height {
            for x in 0..<image.width {
                let pixel = decoded.pixel(x, y)
                for channel in 0..<3 {
                    let expected = Int((image.rgb[channel * image.pixelCount + y * image.width + x] * 255).rounded())
                    worst = max(worst, abs(Int(pixel[channel]) - expected))
                }
            }
        }
        return worst
    }

    func testEveryFormatDecodesWithPillowAtItsSizeAndCloseToTheImage() throws {
        let image = photo()
        let tolerances: [ImageFormat: Int] = [.png: 0, .jpeg: 12, .webp: 12]
        for format in ImageFormat.allCases {
            let encoded = try image.encoded(as: ImageEncoding(format, quality: 95))
            let decoded = try PillowImage(decoding: encoded.bytes)
            XCTAssertEqual(decoded.format, format == .webp ? "WEBP" : format.name, "\(format)")
            XCTAssertEqual([decoded.width, decoded.height], [45, 27], "\(format)")
            XCTAssertFalse(decoded.hasAlpha, "\(format) of an opaque image")
            XCTAssertFalse(encoded.flattenedAlpha, "\(format)")
            XCTAssertLessThanOrEqual(largestDifference(decoded, image), tolerances[format]!, "\(format)")
        }
    }

    func testPNGAndWebPKeepAlphaExactly() throws {
        let alpha = (0..<(45 * 27)).map { Float($0 % 256) / 255 }
        let image = photo(alpha: alpha)
        for format in [ImageFormat.png, .webp] {
            let encoded = try image.encoded(as: ImageEncoding(format))
            let decoded = try PillowImage(decoding: encoded.bytes)
            XCTAssertTrue(decoded.hasAlpha, "\(format)")
            XCTAssertFalse(encoded.flattenedAlpha, "\(format)")
            let decodedAlpha = stride(from: 3, to: decoded.rgba.count, by: 4).map { decoded.rgba[$0] }
            XCTAssertEqual(decodedAlpha, alpha.map { UInt8(($0 * 255).rounded()) }, "\(format)")
        }
    }

    func testJPEGFlattensAlphaOnWhiteAndSaysSo() throws {
        let image = photo(alpha: halfTransparent())
        let encoded = try image.encoded(as: ImageEncoding(.jpeg, quality: 95))
        XCTAssertTrue(encoded.flattenedAlpha)
        let decoded = try PillowImage(decoding: encoded.bytes)
        XCTAssertFalse(decoded.hasAlpha)
        for y in [0, 13, 26] {
            XCTAssertTrue(decoded.pixel(40, y).allSatisfy { $0 >= 250 }, "transparent (40, \(y)) should be white: \(decoded.pixel(40, y))")
            let opaque = decoded.pixel(5, y), expected = image.pixel(5, y).map { Int(($0 * 255).rounded()) }
            for channel in 0..<3 {
                XCTAssertLessThanOrEqual(abs(Int(opaque[channel]) - expected[channel]), 12, "opaque (5, \(y))")
            }
        }
    }

    func testFlatteningCompositesOverWhite() {
        let image = Image(width: 3, height: 1, rgb: [0, 0.2, 1, 0, 0.2, 1, 0, 0.2, 1], alpha: [0, 0.5, 1])
        let flattened = image.flattenedOnWhite()
        XCTAssertNil(flattened.alpha)
        XCTAssertEqual(flattened.rgb, [1, 0.6, 1, 1, 0.6, 1, 1, 0.6, 1])
        XCTAssertEqual(photo().flattenedOnWhite(), photo())
    }

    func testQualityChangesTheLossyFormatsOnly() throws {
        let image = photo(width: 96, height: 64)
        for format in ImageFormat.allCases {
            let low = try image.encoded(as: ImageEncoding(format, quality: 20)).bytes
            let high = try image.encoded(as: ImageEncoding(format, quality: 95)).bytes
            if format.isLossy {
                XCTAssertNotEqual(low, high, "\(format)")
                XCTAssertLessThan(low.count, high.count, "\(format): a lower quality should make a smaller file")
                XCTAssertGreaterThan(largestDifference(try PillowImage(decoding: low), image),
                                     largestDifference(try PillowImage(decoding: high), image), "\(format)")
            } else {
                XCTAssertEqual(low, high, "\(format) is lossless and ignores quality")
            }
        }
    }

    func testAnImageLargerThanAFormatAllowsIsAnErrorThatSaysSo() throws {
        for (format, side, limit) in [(ImageFormat.jpeg, 65_501, "65500 pixels a side"), (.webp, 16_384, "16383 pixels a side")] {
            let wide = Image(width: side, height: 1, rgb: [Float](repeating: 0.5, count: 3 * side))
            XCTAssertThrowsError(try wide.encoded(as: ImageEncoding(format))) { error in
                XCTAssertEqual((error as? ImageError).map { "\($0)" }?.contains(limit), true, "\(format): \(error)")
                XCTAssertTrue("\(error)".hasPrefix("The \(format.name) could not be written"), "\(error)")
            }
        }
    }

    func testFileExtensionsNameTheFormats() {
        let cases: [(String, ImageFormat?)] = [("png", .png), ("PNG", .png), ("jpg", .jpeg), ("jpeg", .jpeg), ("JPG", .jpeg),
                                               ("webp", .webp), ("gif", nil), ("", nil), ("tiff", nil)]
        for (fileExtension, format) in cases {
            XCTAssertEqual(ImageFormat(fileExtension: fileExtension), format, fileExtension)
        }
        XCTAssertEqual(ImageFormat.allCases.map(\.mediaType), ["image/png", "image/jpeg", "image/webp"])
    }
}
