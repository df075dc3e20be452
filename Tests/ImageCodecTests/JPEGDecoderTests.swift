import XCTest
@testable import ImageCodec

/// JPEGs written by Pillow and compared with Pillow's own decode of the same file.
final class JPEGDecoderTests: XCTestCase {
    func testBaseline() throws { try assertDecodesAsExpected("jpeg_baseline") }
    func testProgressive() throws { try assertDecodesAsExpected("jpeg_progressive") }
    func testGrayscaleExpandsToRGB() throws { try assertDecodesAsExpected("jpeg_gray") }
    func testAdobeCMYKIsConverted() throws { try assertDecodesAsExpected("jpeg_cmyk") }

    func testEveryEXIFOrientationIsDisplayedUpright() throws {
        let corners = Fixtures.manifest.corners.mapValues { $0.map { Float($0) / 255 } }
        XCTAssertEqual(Fixtures.manifest.orientation.count, 9)
        for name in Fixtures.manifest.orientation {
            let image = try assertDecodesAsExpected(name)
            XCTAssertEqual(image.width, 40, name)
            XCTAssertEqual(image.height, 24, name)
            let samples = [
                "topLeft": image.pixel(0, 0), "topRight": image.pixel(39, 0),
                "bottomLeft": image.pixel(0, 23), "bottomRight": image.pixel(39, 23),
            ]
            for (corner, expected) in corners {
                XCTAssertLessThan(maxDifference(samples[corner]!, expected), 0.15, "\(corner) of \(name)")
            }
        }
    }

    func testDimensionsAreReportedAfterRotation() throws {
        let decoder = ImageDecoder()
        let rotated = try decoder.header(of: try Fixtures.bytes("jpeg_exif_6.jpg"))
        XCTAssertEqual(rotated.width, 40)
        XCTAssertEqual(rotated.height, 24)
        let mirrored = try decoder.header(of: try Fixtures.bytes("jpeg_exif_2.jpg"))
        XCTAssertEqual(mirrored.width, 40)
        XCTAssertEqual(mirrored.height, 24)
    }

    func testMalformedEXIFIsIgnored() throws {
        let names = ["jpeg_exif_bad_ifd_offset", "jpeg_exif_truncated", "jpeg_exif_bad_byte_order",
                     "jpeg_exif_wrong_type", "jpeg_exif_orientation_9"]
        for name in names {
            let image = try assertDecodesAsExpected(name)
            XCTAssertEqual(image.width, 24, name)
            XCTAssertEqual(image.height, 40, name)
        }
    }

    func testEXIFParserSurvivesEveryTruncation() throws {
        let bytes = try Fixtures.bytes("jpeg_exif_6.jpg")
        let start = bytes.firstRange(of: Array("Exif".utf8))!.lowerBound
        let payload = Array(bytes[start..<(start + 40)])
        for length in 0...payload.count {
            _ = payload.prefix(length).withUnsafeBufferPointer { EXIFOrientation(exif: $0) }
        }
        XCTAssertEqual(payload.withUnsafeBufferPointer { EXIFOrientation(exif: $0) }, .right)
    }
}
