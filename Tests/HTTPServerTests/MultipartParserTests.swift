import XCTest
@testable import HTTPServer
import TestSupport

final class MultipartParserTests: XCTestCase {
    private let boundary = "----formBoundary7MA4YWxk"

    /// A body with a preamble, a field, a file whose content mimics delimiter prefixes, and an epilogue.
    private var sample: [UInt8] {
        let file: [UInt8] = Array("line\r\n--not-the-boundary\r\n----formBoundary7MA4YWx".utf8) + [0, 255, 13, 10, 13]
        var body = Array("preamble to ignore\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"style\"\r\n\r\nmosaic\r\n".utf8)
        body += Array("--\(boundary)  \r\nContent-Disposition: form-data; name=\"image\"; filename=\"a \\\"b\\\".png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += file
        body += Array("\r\n--\(boundary)--\r\nepilogue".utf8)
        return body
    }

    private func checkSample(_ parts: [MultipartPart], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(parts.count, 2, file: file, line: line)
        guard parts.count == 2 else { return }
        XCTAssertEqual(parts[0].name, "style", file: file, line: line)
        XCTAssertNil(parts[0].filename, file: file, line: line)
        XCTAssertEqual(parts[0].body, Array("mosaic".utf8), file: file, line: line)
        XCTAssertEqual(parts[1].name, "image", file: file, line: line)
        XCTAssertEqual(parts[1].filename, "a \"b\".png", file: file, line: line)
        XCTAssertEqual(parts[1].contentType, "image/png", file: file, line: line)
        XCTAssertEqual(parts[1].body, Array("line\r\n--not-the-boundary\r\n----formBoundary7MA4YWx".utf8) + [0, 255, 13, 10, 13], file: file, line: line)
    }

    private func parse(_ chunks: [ArraySlice<UInt8>], limits: MultipartLimits = MultipartLimits()) throws -> [MultipartPart] {
        let parser = try MultipartParser(boundary: boundary, limits: limits)
        for chunk in chunks { try parser.feed(chunk) }
        return try parser.finish()
    }

    func testWholeBody() throws {
        checkSample(try parse([sample[...]]))
    }

    func testEverySplitPosition() throws {
        let body = sample
        for split in 0...body.count {
            checkSample(try parse([body[..<split], body[split...]]))
        }
    }

    func testEveryPairOfSplitPositionsAroundTheDelimiters() throws {
        let body = sample
        // The second part's end: where a delimiter follows bytes that look like its prefix.
        let tail = body.count - 60
        for first in tail..<body.count {
            for second in first...body.count {
                checkSample(try parse([body[..<first], body[first..<second], body[second...]]))
            }
        }
    }

    func testByteByByte() throws {
        checkSample(try parse(sample.map { [$0][...] }))
    }

    func testRandomSplits() throws {
        var generator = SeededGenerator(seed: 42)
        let body = sample
        for _ in 0..<500 {
            var chunks: [ArraySlice<UInt8>] = []
            var start = 0
            while start < body.count {
                let end = min(body.count, start + Int.random(in: 1...40, using: &generator))
                chunks.append(body[start..<end])
                start = end
            }
            checkSample(try parse(chunks))
        }
    }

    func testBoundaryFromContentType() throws {
        XCTAssertEqual(try MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=abc"), "abc")
        XCTAssertEqual(try MultipartParser.boundary(fromContentType: "Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\""), "a b:c")
        for bad in ["text/plain; boundary=abc", "multipart/form-data", "multipart/form-data; boundary=\"\"",
                    "multipart/form-data; boundary=" + String(repeating: "x", count: 71), "multipart/form-data; boundary=\"abc \"",
                    "multipart/form-data; boundary=\"unterminated"] {
            XCTAssertThrowsError(try MultipartParser.boundary(fromContentType: bad), bad) {
                XCTAssertEqual(($0 as? MultipartError)?.kind, .malformed)
            }
        }
    }

    func testContentDisposition() throws {
        let plain = try XCTUnwrap(ContentDisposition("form-data; name=field"))
        XCTAssertEqual(plain.type, "form-data")
        XCTAssertEqual(plain.name, "field")
        XCTAssertNil(plain.filename)
        let both = try XCTUnwrap(ContentDisposition("form-data; name=\"f\"; filename=\"euro.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt"))
        XCTAssertEqual(both.filename, "€ rates.txt")
        XCTAssertEqual(ContentDisposition("form-data; name=\"x\"; filename*=iso-8859-1'en'%E9t%E9")?.filename, "été")
        XCTAssertNil(ContentDisposition("form-data; name"))
        XCTAssertNil(ContentDisposition("form-data; name=\"open"))
    }

    func testEmptyPartBodyAndEmptyBody() throws {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--b--".utf8)
        let parser = try MultipartParser(boundary: "b")
        try parser.feed(body)
        let parts = try parser.finish()
        XCTAssertEqual(parts.map(\.name), ["empty"])
        XCTAssertEqual(parts.first?.body, [])
        let none = try MultipartParser(boundary: "b")
        try none.feed(Array("--b--\r\n".utf8))
        XCTAssertEqual(try none.finish().count, 0)
    }

    func testMissingFinalBoundaryIsMalformed() throws {
        let body = Array(sample.prefix(sample.count - 12))
        XCTAssertThrowsError(try parse([body[...]])) { error in
            XCTAssertEqual((error as? MultipartError)?.kind, .malformed)
            XCTAssertEqual((error as? MultipartError)?.problem.status, .badRequest)
        }
        XCTAssertThrowsError(try parse([Array("no boundary at all".utf8)[...]]))
    }

    func testMalformedParts() throws {
        let cases = [
            "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",
            "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--b--",
            "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",
            "--b\r\nBroken header line\r\n\r\nx\r\n--b--",
            "--bjunk\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b--",
        ]
        for text in cases {
            let parser = try MultipartParser(boundary: "b")
            XCTAssertThrowsError(try { try parser.feed(Array(text.utf8)); _ = try parser.finish() }(), text) {
                XCTAssertEqual(($0 as? MultipartError)?.kind, .malformed, text)
            }
        }
    }

    func testLimits() throws {
        let body = sample
        func failure(_ limits: MultipartLimits) -> MultipartError? {
            do {
                _ = try parse([body[...]], limits: limits)
                return nil
            } catch {
                return error as? MultipartError
            }
        }
        let parts = failure(MultipartLimits(maxParts: 1))
        XCTAssertEqual(parts?.kind, .tooLarge)
        XCTAssertEqual(parts?.problem.status, .contentTooLarge)
        XCTAssertTrue(parts?.detail.contains("1 parts") ?? false)
        let partSize = failure(MultipartLimits(maxPartBytes: 20))
        XCTAssertEqual(partSize?.kind, .tooLarge)
        XCTAssertTrue(partSize?.detail.contains("'image'") ?? false, partSize?.detail ?? "")
        XCTAssertEqual(failure(MultipartLimits(maxPartHeaderBytes: 40))?.kind, .tooLarge)
        XCTAssertEqual(failure(MultipartLimits(maxTotalBytes: body.count - 1))?.kind, .tooLarge)
        XCTAssertNil(failure(MultipartLimits(maxParts: 2, maxPartHeaderBytes: 120, maxPartBytes: 60, maxTotalBytes: body.count)))
    }

    func testLimitsThroughTheServer() throws {
        let server = try TestServer(routes: { router in
            router.add("POST", "/upload", handler: multipartSummary(limits: MultipartLimits(maxParts: 1)))
        })
        defer { XCTAssertTrue(server.stop()) }
        let client = try server.client()
        let body = sample
        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(body.count)\r\n\r\n")
        client.send(body)
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.problem?["detail"] as? String, "The body has more than 1 parts.")
    }
}
