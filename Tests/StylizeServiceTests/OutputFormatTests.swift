import Foundation
import ImageCodec
import TestSupport
import XCTest

/// The result's format through real sockets: the `format` and `quality` fields, the Accept
/// header's negotiation, and alpha, each result decoded by Pillow.
final class OutputFormatTests: XCTestCase {
    private static let content = ServiceHarness.input("content_seaport_128x96.png")
    private static let style = ServiceHarness.input("style_udnie_80x64.png")
    private static let pillowNames: [ImageFormat: String] = [.png: "PNG", .jpeg: "JPEG", .webp: "WEBP"]

    private func stylize(_ harness: ServiceHarness, content: String = content, _ arguments: [String]) throws -> ServiceHarness.Response {
        try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(Self.style)", "-F", "method=adain"] + arguments)
    }

    func testEveryFormatIsServedAtTheRequestedSize() throws {
        let harness = try ServiceHarness()
        for format in ImageFormat.allCases {
            let response = try stylize(harness, ["-F", "format=\(format.rawValue)", "-F", "content_size=64"])
            XCTAssertEqual(response.status, 200, response.text)
            XCTAssertEqual(response.headers["content-type"], format.mediaType)
            XCTAssertEqual(response.headers["vary"], "Accept")
            XCTAssertNil(response.headers["sanet-alpha"], "\(format) of an opaque content")
            let decoded = try PillowImage(decoding: [UInt8](response.body))
            XCTAssertEqual(decoded.format, Self.pillowNames[format])
            XCTAssertEqual([decoded.width, decoded.height], [64, 48], "\(format)")
            XCTAssertFalse(decoded.hasAlpha, "\(format)")
        }
    }

    func testPNGAndWebPKeepTheContentsAlphaAndJPEGFlattensItOnWhite() throws {
        // The content with its right half transparent.
        var image = try ImageDecoder().decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.content))))
        image.alpha = (0..<image.pixelCount).map { $0 % image.width < image.width / 2 ? 1 : 0 }
        let transparent = FileManager.default.temporaryDirectory.appendingPathComponent("alpha-\(UUID().uuidString).png")
        try Data(try PNGEncoder.encode(image)).write(to: transparent)
        defer { try? FileManager.default.removeItem(at: transparent) }

        let harness = try ServiceHarness()
        for format in ImageFormat.allCases {
            let response = try stylize(harness, content: transparent.path, ["-F", "format=\(format.rawValue)", "-F", "content_size=0"])
            XCTAssertEqual(response.status, 200, response.text)
            let decoded = try PillowImage(decoding: [UInt8](response.body))
            XCTAssertEqual([decoded.width, decoded.height], [128, 96], "\(format)")
            if format == .jpeg {
                XCTAssertEqual(response.headers["sanet-alpha"], "flattened")
                XCTAssertFalse(decoded.hasAlpha)
                XCTAssertTrue(decoded.pixel(100, 50).allSatisfy { $0 >= 245 }, "transparent pixels are white: \(decoded.pixel(100, 50))")
                XCTAssertFalse(decoded.pixel(10, 50).allSatisfy { $0 >= 245 }, "opaque pixels are stylized")
            } else {
                XCTAssertNil(response.headers["sanet-alpha"], "\(format)")
                XCTAssertTrue(decoded.hasAlpha, "\(format)")
                XCTAssertEqual(decoded.pixel(100, 50)[3], 0, "\(format)")
                XCTAssertEqual(decoded.pixel(10, 50)[3], 255, "\(format)")
            }
        }
    }

    func testQualityChangesTheLossyFormatsBytes() throws {
        let harness = try ServiceHarness()
        for format in ImageFormat.allCases {
            let bodies = try [20, 95].map { quality -> Data in
                let response = try stylize(harness, ["-F", "format=\(format.rawValue)", "-F", "quality=\(quality)", "-F", "content_size=64"])
                XCTAssertEqual(response.status, 200, response.text)
                return response.body
            }
            if format.isLossy {
                XCTAssertLessThan(bodies[0].count, bodies[1].count, "\(format) at quality 20 should be smaller than at 95")
            } else {
                XCTAssertEqual(bodies[0], bodies[1], "PNG is lossless and ignores quality")
            }
        }
    }

    func testTheAcceptHeaderChoosesTheFormatUnlessTheFormFieldDoes() throws {
        let harness = try ServiceHarness()
        let cases: [(arguments: [String], expected: String?)] = [
            (["-H", "Accept: image/webp;q=0.9, image/png;q=0.5"], "image/webp"),
            (["-H", "Accept: image/jpeg"], "image/jpeg"),
            (["-H", "Accept: */*"], "image/png"),
            (["-H", "Accept:"], "image/png"),
            (["-H", "Accept: image/*, image/webp;q=0.8"], "image/png"),
            (["-H", "Accept: */*, image/png;q=0"], "image/jpeg"),
            (["-H", "Accept: image/webp", "-F", "format=jpeg"], "image/jpeg"),
            (["-H", "Accept: image/gif", "-F", "format=png"], "image/png"),
            (["-H", "Accept: image/gif"], nil),
            (["-H", "Accept: text/html, application/json;q=0.9"], nil),
        ]
        for (arguments, expected) in cases {
            let response = try stylize(harness, arguments + ["-F", "content_size=48"])
            XCTAssertEqual(response.headers["vary"], "Accept", "\(arguments)")
            if let expected {
                XCTAssertEqual(response.status, 200, "\(arguments): \(response.text)")
                XCTAssertEqual(response.headers["content-type"], expected, "\(arguments)")
                XCTAssertEqual(try PillowImage(decoding: [UInt8](response.body)).format,
                               Self.pillowNames[ImageFormat.allCases.first { $0.mediaType == expected }!], "\(arguments)")
            } else {
                XCTAssertEqual(response.status, 406, "\(arguments): \(response.text)")
                XCTAssertEqual(response.headers["content-type"], "application/problem+json")
                let detail = response.json["detail"] as? String ?? ""
                XCTAssertTrue(detail.contains("image/png, image/jpeg, image/webp") && detail.contains("format="), detail)
            }
        }
    }

    func testFormatAndQualityMistakesSayWhatIsAccepted() throws {
        let harness = try ServiceHarness()
        let cases: [(field: String, mention: String)] = [
            ("format=gif", "format must be one of png, jpeg, webp"),
            ("format=JPG", "format must be one of png, jpeg, webp"),
            ("quality=0", "quality must be a whole number from 1"),
            ("quality=101", "to 100"),
            ("quality=high", "quality"),
            ("quality=80.5", "quality"),
        ]
        for (field, mention) in cases {
            let response = try stylize(harness, ["-F", field])
            XCTAssertEqual(response.status, 422, "\(field): \(response.text)")
            XCTAssertEqual(response.headers["vary"], "Accept", field)
            let detail = response.json["detail"] as? String ?? ""
            XCTAssertTrue(detail.contains(mention), "\(field): '\(detail)' should mention \(mention)")
        }
    }
}
