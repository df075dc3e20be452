import XCTest
@testable import ImageCodec

/// Decoding straight to a smaller size: the same pixels as decoding whole and resizing, what
/// the header says it costs, and a decode that can be stopped.
final class DecodeResizeTests: XCTestCase {
    private let decoder = ImageDecoder()

    func testResizingWhileDecodingMatchesResizingAfterwardsExactly() throws {
        for (file, size) in [("resize_source.png", (30, 20)), ("resize_source.png", (120, 81)),
                             ("png_interlaced_rgb8.png", (9, 31)), ("jpeg_progressive.jpg", (16, 12)),
                             ("png_gray16.png", (7, 5))] {
            let bytes = try Fixtures.bytes(file)
            let whole = try decoder.decode(bytes).resized(width: size.0, height: size.1)
            let streamed = try decoder.decode(bytes, resizedTo: size)
            XCTAssertEqual(streamed, whole, "\(file) at \(size)")
        }
    }

    func testATurnedJPEGIsResizedInItsUprightFrame() throws {
        let bytes = try Fixtures.bytes("jpeg_exif_6.jpg")
        let header = try decoder.header(of: bytes)
        XCTAssertEqual([header.width, header.height], [40, 24])
        let whole = try decoder.decode(bytes).resized(width: 20, height: 12)
        let streamed = try decoder.decode(bytes, resizedTo: (20, 12))
        XCTAssertEqual([streamed.width, streamed.height], [20, 12])
        // Resized before it is turned, so the two passes run in the other order, and each clips its
        // overshoot to [0, 1] at a different point: within 1.5/255 where the cubic rings.
        let worst = zip(streamed.rgb, whole.rgb).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, 1.5 / 255)
    }

    func testTheHeaderTellsWhatTheDecoderHoldsBeyondARow() throws {
        XCTAssertEqual(try decoder.header(of: try Fixtures.bytes("png_rgb8.png")).decoderBytes, 0)
        XCTAssertEqual(try decoder.header(of: try Fixtures.bytes("jpeg_baseline.jpg")).decoderBytes, 0)
        // Adam7: the whole image, 3 bytes a pixel.
        let interlaced = Fixtures.decodeCase("png_interlaced_rgb8")
        XCTAssertEqual(try decoder.header(of: try Fixtures.bytes(interlaced.file)).decoderBytes,
                       interlaced.width * interlaced.height * 3)
        // Progressive: every 8 x 8 block's 64 coefficients, 2 bytes each, for the three components.
        let progressive = try decoder.header(of: try Fixtures.bytes("jpeg_progressive.jpg"))
        XCTAssertGreaterThanOrEqual(progressive.decoderBytes, 3 * (32 * 24 / 64) * 128 / 4)
        XCTAssertLessThan(progressive.decoderBytes, 64 * 1024)
    }

    func testDecodingCostGrowsWithTheResultNotTheFile() throws {
        let header = try decoder.header(of: try Fixtures.bytes("resize_source.png"))
        let small = header.decodingBytes(width: 8, height: 5)
        let full = header.decodingBytes(width: header.width, height: header.height)
        XCTAssertLessThan(small, full)
        XCTAssertGreaterThanOrEqual(full, header.width * header.height * 4 * header.planes)
    }

    func testADecodeCanBeStopped() throws {
        var rows = 0
        XCTAssertThrowsError(try decoder.decode(try Fixtures.bytes("resize_source.png"), shouldStop: {
            rows += 1
            return rows > 3
        })) { error in
            XCTAssertEqual(error as? ImageError, .stopped)
        }
        XCTAssertEqual(rows, 4, "asked once a row, and not again once it said stop")
        XCTAssertThrowsError(try decoder.decode(try Fixtures.bytes("jpeg_progressive.jpg"), shouldStop: { true })) { error in
            XCTAssertEqual(error as? ImageError, .stopped)
        }
    }

    func testHostileFilesFailFastWithTheirReason() throws {
        for (file, reason) in [("jpeg_many_scans.jpg", "more than 64 progressive scans"),
                               ("jpeg_empty_scan.jpg", "Corrupt JPEG data"),
                               ("png_huge_chunk.png", "truncated")] {
            let started = Date()
            XCTAssertThrowsError(try decoder.decode(try Fixtures.bytes(file)), file) { error in
                guard case let .corrupt(_, text)? = error as? ImageError else { return XCTFail("\(file): \(error)") }
                XCTAssertTrue(text.contains(reason), "\(file): \(text)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 1, file)
        }
    }
}
