import XCTest
@testable import HTTPServer

/// A parser's verdict on a limit must not depend on where a read ends, in particular not on
/// a read that ends between a line's CR and its LF.
final class SplitVerdictTests: XCTestCase {
    func testRequestLineOfExactlyTheLimitIsAcceptedAtEverySplit() {
        let line = "GET /exactly-the-limit HTTP/1.1"
        let bytes = Array("\(line)\r\nHost: example\r\n\r\n".utf8)
        for split in 0...bytes.count {
            var parser = RequestParser(maxRequestLineBytes: line.utf8.count, maxHeaderBytes: 1024, maxHeaderCount: 20)
            var outcome = parser.parse(bytes[..<split])
            if case .needMore = outcome { outcome = parser.parse(bytes[...]) }
            guard case .head(let head, let consumed) = outcome else { return XCTFail("split \(split): \(outcome)") }
            XCTAssertEqual(head.target, "/exactly-the-limit")
            XCTAssertEqual(consumed, bytes.count)
        }
    }

    func testRequestLineOneOverTheLimitIsRefusedAtEverySplit() {
        let line = "GET /one-over-the-limit HTTP/1.1"
        let bytes = Array("\(line)\r\nHost: example\r\n\r\n".utf8)
        for split in 0...bytes.count {
            var parser = RequestParser(maxRequestLineBytes: line.utf8.count - 1, maxHeaderBytes: 1024, maxHeaderCount: 20)
            var outcome = parser.parse(bytes[..<split])
            if case .needMore = outcome { outcome = parser.parse(bytes[...]) }
            guard case .failure(let problem) = outcome else { return XCTFail("split \(split): \(outcome)") }
            XCTAssertEqual(problem.status, .badRequest, "split \(split)")
        }
    }

    private func multipartBody(headers: String) -> [UInt8] {
        Array("--b\r\n\(headers)\r\nvalue\r\n--b--\r\n".utf8)
    }

    private func parts(_ body: [UInt8], split: Int, maxPartHeaderBytes: Int) -> Result<[MultipartPart], MultipartError> {
        Result {
            let parser = try MultipartParser(boundary: "b", limits: MultipartLimits(maxPartHeaderBytes: maxPartHeaderBytes))
            try parser.feed(body[..<split])
            try parser.feed(body[split...])
            return try parser.finish()
        }.mapError { $0 as! MultipartError }
    }

    func testPartHeadersOfExactlyTheLimitAreAcceptedAtEverySplit() throws {
        // The limit counts the header lines with their CRLFs, not the blank line that ends them.
        let headers = "Content-Disposition: form-data; name=\"field\"\r\n"
        let body = multipartBody(headers: headers)
        for split in 0...body.count {
            let result = parts(body, split: split, maxPartHeaderBytes: headers.utf8.count)
            guard case .success(let parts) = result else { return XCTFail("split \(split): \(result)") }
            XCTAssertEqual(parts.map(\.name), ["field"], "split \(split)")
            XCTAssertEqual(parts.first?.body, Array("value".utf8), "split \(split)")
        }
    }

    func testPartHeadersOneOverTheLimitAreRefusedAtEverySplit() throws {
        let headers = "Content-Disposition: form-data; name=\"field\"\r\n"
        let body = multipartBody(headers: headers)
        for split in 0...body.count {
            let result = parts(body, split: split, maxPartHeaderBytes: headers.utf8.count - 1)
            guard case .failure(let error) = result else { return XCTFail("split \(split): \(result)") }
            XCTAssertEqual(error.kind, .tooLarge, "split \(split)")
        }
    }
}
