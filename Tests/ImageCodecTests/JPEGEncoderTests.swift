import XCTest
@testable import ImageCodec

/// JPEG through our own decoder, the one format besides PNG that ImageCodec reads back.
final class JPEGEncoderTests: XCTestCase {
    private let image: Image = {
        let width = 40, height = 24
        let rgb = (0..<(3 * width * height)).map { index -> Float in
            let pixel = index % (width * height)
            return Float(pixel % width + pixel / width + index / (width * height) * 20) / 128
        }
        return Image(width: width, height: height, rgb: rgb)
    }()

    func testRoundTripsThroughOurDecoder() throws {
        let decoded = try ImageDecoder().decode(try JPEGEncoder.encode(image, quality: 95))
        XCTAssertEqual([decoded.width, decoded.height], [40, 24])
        XCTAssertNil(decoded.alpha)
        XCTAssertLessThan(meanDifference(decoded.rgb, image.rgb), 2 / 255)
    }

    func testIgnoresAlphaAndClampsQuality() throws {
        let withAlpha = Image(width: image.width, height: image.height, rgb: image.rgb,
                              alpha: [Float](repeating: 0, count: image.pixelCount))
        XCTAssertEqual(try JPEGEncoder.encode(withAlpha, quality: 80), try JPEGEncoder.encode(image, quality: 80))
        XCTAssertEqual(try JPEGEncoder.encode(image, quality: 250), try JPEGEncoder.encode(image, quality: 100))
        XCTAssertEqual(try JPEGEncoder.encode(image, quality: -3), try JPEGEncoder.encode(image, quality: 1))
    }
}
