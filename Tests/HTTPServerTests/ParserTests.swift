import XCTest
@testable import HTTPServer

/// The head parser and chunked decoder on their own, fed in every possible split.
final class ParserTests: XCTestCase {
    private func makeParser() -> RequestParser {
        RequestParser(maxRequestLineBytes: 1024, maxHeaderBytes: 1024, maxHeaderCount: 20)
    }

    func testHeadParsedAtEverySplit() throws {
        let bytes = Array("\r\nPOST /a/b?c=d HTTP/1.1\r\nHost: example\r\nX-Empty:\r\nX-Spaces: \t padded value \t\r\nX-Latin: caf\u{e9}\r\n\r\nBODY".utf8)
        for split in 0...bytes.count {
            var parser = makeParser()
            var outcome = parser.parse(bytes[..<split])
            if case .head = outcome {} else { outcome = parser.parse(bytes[...]) }
            guard case .head(let head, let consumed) = outcome else { return XCTFail("split \(split): \(outcome)") }
            XCTAssertEqual(consumed, bytes.count - 4)
            XCTAssertEqual(head.method, "POST")
            XCTAssertEqual(head.target, "/a/b?c=d")
            XCTAssertEqual(head.version, .http1_1)
            XCTAssertEqual(head.headers["host"], "example")
            XCTAssertEqual(head.headers["X-Empty"], "")
            XCTAssertEqual(head.headers["X-Spaces"], "padded value")
            XCTAssertEqual(head.headers["x-latin"], "café")
        }
    }

    func testBareLineFeedsAreAccepted() throws {
        var parser = makeParser()
        guard case .head(let head, _) = parser.parse(Array("GET / HTTP/1.0\nA: b\n\n".utf8)[...]) else { return XCTFail() }
        XCTAssertEqual(head.headers["a"], "b")
        XCTAssertFalse(head.keepAlive)
    }

    func testHeadersKeepOrderAndRepeats() {
        var headers = HTTPHeaders()
        headers.add("Accept", "a")
        headers.add("X", "1")
        headers.add("accept", "b")
        XCTAssertEqual(headers.values("ACCEPT"), ["a", "b"])
        headers.set("x", "2")
        XCTAssertEqual(headers.fields.map(\.name), ["Accept", "accept", "x"])
        headers["accept"] = nil
        XCTAssertEqual(headers.count, 1)
    }

    func testChunkedDecodedAtEverySplit() throws {
        let bytes = Array("4;name=value\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\nNEXT".utf8)
        for split in 0...bytes.count {
            var decoder = ChunkedDecoder(maxBodyBytes: 100, maxLineBytes: 100)
            var body: [UInt8] = []
            let first = try decoder.decode(bytes[..<split]) { body += $0 }
            let second = try decoder.decode(bytes[first...]) { body += $0 }
            XCTAssertTrue(decoder.isDone)
            XCTAssertEqual(first + second, bytes.count - 4, "split \(split)")
            XCTAssertEqual(String(decoding: body, as: UTF8.self), "Wikipedia in\r\n\r\nchunks.")
        }
    }

    func testChunkedLimits() {
        var decoder = ChunkedDecoder(maxBodyBytes: 10, maxLineBytes: 100)
        XCTAssertThrowsError(try decoder.decode(Array("B\r\n".utf8)[...]) { _ in }) {
            XCTAssertEqual(($0 as? Problem)?.status, .contentTooLarge)
        }
        var hostile = ChunkedDecoder(maxBodyBytes: 10, maxLineBytes: 100)
        XCTAssertThrowsError(try hostile.decode(Array("FFFFFFFFFFFFFFFFFF\r\n".utf8)[...]) { _ in }) {
            XCTAssertEqual(($0 as? Problem)?.status, .badRequest)
        }
    }

    func testProblemJSONEscapes() {
        let problem = Problem(.badRequest, detail: "quote \" backslash \\ newline \n tab \t bell \u{7}")
        XCTAssertEqual(problem.json, #"{"type":"about:blank","title":"Bad Request","status":400,"detail":"quote \" backslash \\ newline \n tab \t bell \u0007"}"#)
    }

    func testHTTPDateFormat() {
        XCTAssertEqual(httpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
