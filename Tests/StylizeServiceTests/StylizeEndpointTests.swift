import Engine
import Foundation
import ImageCodec
import StyleTransfer
import XCTest

/// `POST /v1/stylize` through real sockets with curl's multipart uploads.
final class StylizeEndpointTests: XCTestCase {
    private static let content = ServiceHarness.input("content_seaport_128x96.png")
    private static let style = ServiceHarness.input("style_udnie_80x64.png")
    private static let secondStyle = ServiceHarness.input("style_composition_vii_96x96.png")
    /// Complementary halves of the content with a soft seam, the right one at half its size.
    private static let masks = ["left_128x96.png", "right_64x48.png"].map {
        ServiceHarness.reference.appendingPathComponent("generated/masks/\($0)").path
    }

    private func engineOutput(_ options: StylizeOptions, styles: [String]) throws -> [UInt8] {
        let model = try StyleTransferModel(weightsDirectory: ServiceHarness.weights, methods: [options.method])
        let decode = { (path: String) in try ImageDecoder().decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) }
        return try PNGEncoder.encode(try model.stylize(content: decode(Self.content), styles: styles.map(decode), options: options,
                                                       context: .allCores))
    }

    func testTheResponseIsThePNGTheEngineMakesForTheSameOptions() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/v1/stylize", [
            "-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "style=@\(Self.secondStyle)",
            "-F", "style_weights=1,3", "-F", "alpha=0.7", "-F", "preserve_color=true",
            "-F", "content_size=0", "-F", "style_size=0",
        ])
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual(response.headers["content-type"], "image/png")
        let expected = try engineOutput(StylizeOptions(alpha: 0.7, styleWeights: [1, 3], preserveColor: true,
                                                       contentSize: 0, styleSize: 0),
                                        styles: [Self.style, Self.secondStyle])
        XCTAssertEqual([UInt8](response.body), expected)
    }

    func testMethodAndSizesFollowTheFields() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/v1/stylize", [
            "-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "method=adain",
            "-F", "content_size=64", "-F", "style_size=48",
        ])
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual([UInt8](response.body),
                       try engineOutput(StylizeOptions(method: .adain, contentSize: 64, styleSize: 48), styles: [Self.style]))
        let image = try ImageDecoder().decode([UInt8](response.body))
        XCTAssertEqual([image.width, image.height], [64, 48])
    }

    func testMasksPlaceEachStyleAsTheCommandLineDoes() throws {
        let harness = try ServiceHarness()
        let response = try harness.curl("/v1/stylize", [
            "-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "style=@\(Self.secondStyle)",
            "-F", "mask=@\(Self.masks[0])", "-F", "mask=@\(Self.masks[1])", "-F", "alpha=0.8",
            "-F", "content_size=0", "-F", "style_size=0",
        ])
        XCTAssertEqual(response.status, 200, response.text)
        let read = { (path: String) in [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
        let model = try StyleTransferModel(weightsDirectory: ServiceHarness.weights, methods: [.sanet])
        let files = EncodedFiles(content: try read(Self.content), styles: try [Self.style, Self.secondStyle].map(read),
                                 masks: try Self.masks.map(read))
        let expected = try model.stylize(files, options: StylizeOptions(alpha: 0.8, contentSize: 0, styleSize: 0),
                                         decoder: ImageDecoder(), context: .allCores)
        XCTAssertEqual([UInt8](response.body), expected.bytes)
        let unmasked = try harness.curl("/v1/stylize", [
            "-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "style=@\(Self.secondStyle)",
            "-F", "alpha=0.8", "-F", "content_size=0", "-F", "style_size=0",
        ])
        XCTAssertNotEqual(unmasked.body, response.body, "the masks change the result")
    }

    func testClientMistakesGetAProblemThatSaysWhatToFix() throws {
        let harness = try ServiceHarness { $0.http.maxBodyBytes = 200_000 }
        let codecFixtures = ServiceHarness.repository.appendingPathComponent("Tests/ImageCodecTests/Fixtures").path
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("not-an-image-\(UUID().uuidString).txt")
        try Data("hello".utf8).write(to: text)
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).bin")
        try Data(count: 300_000).write(to: big)
        defer { [text, big].forEach { try? FileManager.default.removeItem(at: $0) } }
        let tiny = ServiceHarness.input("content_towers_32x32.png")
        let cases: [(arguments: [String], status: Int, mention: String)] = [
            (["-F", "style=@\(Self.style)"], 422, "'content'"),
            (["-F", "content=@\(Self.content)"], 422, "'style'"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "alpha=1.5"], 422, "alpha"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "alpha=lots"], 422, "alpha"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "method=cubism"], 422, "method"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "style_weights=1,2"], 422, "one weight per style"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "style_weights=1e3"], 422, "plain decimals"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "style_weights=0"], 422, "above 0"),
            (["-F", "content=@/dev/null", "-F", "style=@\(Self.style)"], 422, "empty 'content'"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "style=@/dev/null"], 422, "empty 'style'"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "style=@\(Self.secondStyle)",
              "-F", "mask=@\(Self.masks[0])"], 422, "one mask per style"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "mask=@\(Self.style)"], 422,
             "aspect ratios differ by more than 1 %"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "mask=@\(text.path)"], 415, "'mask'"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "mask=@\(codecFixtures)/png_huge_header.png"],
             413, "'mask' file"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "content_size=99999"], 422, "content_size"),
            (["-F", "content=@\(Self.content)", "-F", "style=@\(Self.style)", "-F", "strength=1"], 422, "unknown field 'strength'"),
            (["-F", "content=@\(text.path)", "-F", "style=@\(Self.style)"], 415, "PNG or JPEG"),
            (["-F", "content=@\(codecFixtures)/png_bad_crc.png", "-F", "style=@\(Self.style)"], 422, "'content'"),
            (["-F", "content=@\(codecFixtures)/png_huge_header.png", "-F", "style=@\(Self.style)"], 413, "pixels"),
            (["-F", "content=@\(tiny)", "-F", "style=@\(Self.style)", "-F", "content_size=24"], 422, "from 32 to"),
            (["-F", "content=@\(big.path)", "-F", "style=@\(Self.style)"], 413, "200000 bytes"),
            (["-d", "content=photo"], 415, "multipart/form-data"),
            (["-H", "Content-Type: multipart/form-data", "-d", "x"], 400, "boundary"),
        ]
        for (arguments, status, mention) in cases {
            let response = try harness.curl("/v1/stylize", arguments)
            XCTAssertEqual(response.status, status, "\(arguments): \(response.text)")
            XCTAssertEqual(response.headers["content-type"], "application/problem+json", "\(arguments)")
            XCTAssertEqual(response.json["status"] as? Int, status, "\(arguments)")
            let detail = response.json["detail"] as? String ?? ""
            XCTAssertTrue(detail.contains(mention), "\(arguments): detail '\(detail)' should mention \(mention)")
        }
        let health = try harness.curl("/healthz")
        XCTAssertEqual(health.status, 200, "the service must survive every bad request")
    }

    func testTheRequestIDIsEchoedOrMade() throws {
        let harness = try ServiceHarness()
        let given = try harness.curl("/v1/stylize", ["-H", "X-Request-ID: trace-42", "-F", "style=@\(Self.style)"])
        XCTAssertEqual(given.headers["x-request-id"], "trace-42")
        let made = try harness.curl("/v1/stylize", ["-F", "style=@\(Self.style)"])
        XCTAssertEqual(made.headers["x-request-id"]?.count, 36)
    }
}
