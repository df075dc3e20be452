import XCTest
@testable import ImageCodec

/// Broken, hostile or foreign input must end in a clear ImageError, never a crash.
final class DecoderErrorTests: XCTestCase {
    func testEveryBrokenFixtureIsRejected() throws {
        XCTAssertFalse(Fixtures.manifest.errors.isEmpty)
        for fixture in Fixtures.manifest.errors {
            let bytes = try Fixtures.bytes(fixture.file)
            XCTAssertThrowsError(try ImageDecoder().decode(bytes), fixture.file) { error in
                switch (error as? ImageError, fixture.error) {
                case (.corrupt?, "corrupt"), (.unsupportedFormat?, "unsupportedFormat"):
                    break
                default:
                    XCTFail("\(fixture.file): expected \(fixture.error), got \(error)")
                }
            }
        }
    }

    func testTruncatedJPEGIsRejectedRatherThanPadded() throws {
        XCTAssertThrowsError(try ImageDecoder().decode(try Fixtures.bytes("jpeg_truncated.jpg"))) { error in
            guard case let .corrupt(format, reason)? = error as? ImageError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(format, "JPEG")
            XCTAssertTrue(reason.contains("Premature end"), reason)
        }
    }

    func testTruncatedPNGNamesTheProblem() throws {
        XCTAssertThrowsError(try ImageDecoder().decode(try Fixtures.bytes("png_truncated.png"))) { error in
            guard case let .corrupt(format, reason)? = error as? ImageError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(format, "PNG")
            XCTAssertTrue(reason.contains("truncated"), reason)
        }
    }

    func testHugePNGHeaderIsRefusedBeforeAllocating() throws {
        let bytes = try Fixtures.bytes("png_huge_header.png")
        XCTAssertLessThan(bytes.count, 100)
        XCTAssertThrowsError(try ImageDecoder().decode(bytes)) { error in
            XCTAssertEqual(error as? ImageError, .tooManyPixels(width: 20000, height: 20000, maxPixels: 50_000_000))
        }
        let size = try ImageDecoder().header(of: bytes)
        XCTAssertEqual(size.width, 20000)
        XCTAssertEqual(size.height, 20000)
    }

    func testHugeJPEGHeaderIsRefusedBeforeAllocating() throws {
        let bytes = try Fixtures.bytes("jpeg_huge_header.jpg")
        XCTAssertThrowsError(try ImageDecoder().decode(bytes)) { error in
            XCTAssertEqual(error as? ImageError, .tooManyPixels(width: 20000, height: 20000, maxPixels: 50_000_000))
        }
    }

    func testCustomPixelCap() throws {
        let decoder = ImageDecoder(maxPixels: 100)
        XCTAssertThrowsError(try decoder.decode(try Fixtures.bytes("png_rgb8.png"))) { error in
            XCTAssertEqual(error as? ImageError, .tooManyPixels(width: 23, height: 17, maxPixels: 100))
        }
        XCTAssertThrowsError(try decoder.decode(try Fixtures.bytes("jpeg_baseline.jpg"))) { error in
            XCTAssertEqual(error as? ImageError, .tooManyPixels(width: 32, height: 24, maxPixels: 100))
        }
        XCTAssertNoThrow(try ImageDecoder(maxPixels: 23 * 17).decode(try Fixtures.bytes("png_rgb8.png")))
    }

    func testLibpngRefusesSidesBeyondTheCap() throws {
        XCTAssertThrowsError(try ImageDecoder(maxPixels: 10).decode(try Fixtures.bytes("png_rgb8.png"))) { error in
            guard case .corrupt("PNG", _)? = error as? ImageError else {
                return XCTFail("unexpected \(error)")
            }
        }
    }

    func testEmptyInput() {
        XCTAssertThrowsError(try ImageDecoder().decode([])) { error in
            XCTAssertEqual(error as? ImageError, .empty)
        }
        XCTAssertThrowsError(try ImageDecoder().header(of: [])) { error in
            XCTAssertEqual(error as? ImageError, .empty)
        }
    }

    func testGIFIsUnsupported() throws {
        XCTAssertThrowsError(try ImageDecoder().decode(try Fixtures.bytes("image.gif"))) { error in
            XCTAssertEqual(error as? ImageError, .unsupportedFormat)
        }
        XCTAssertThrowsError(try ImageDecoder().decode(Array("GIF89a".utf8))) { error in
            XCTAssertEqual(error as? ImageError, .unsupportedFormat)
        }
    }

    func testDescriptionsTellTheUserWhatToDo() {
        XCTAssertTrue(ImageError.unsupportedFormat.description.contains("PNG and JPEG"))
        XCTAssertTrue(ImageError.empty.description.contains("empty"))
        let tooMany = ImageError.tooManyPixels(width: 20000, height: 20000, maxPixels: 50_000_000).description
        XCTAssertTrue(tooMany.contains("20000x20000") && tooMany.contains("50000000") && tooMany.contains("Downscale"), tooMany)
        let corrupt = ImageError.corrupt(format: "JPEG", reason: "Premature end of JPEG file").description
        XCTAssertTrue(corrupt.contains("JPEG") && corrupt.contains("Premature end"), corrupt)
        XCTAssertTrue(ImageError.encodingFailed(format: .webp, reason: "out of memory").description.contains("out of memory"))
    }
}
