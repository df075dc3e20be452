@testable import HTTPServer
import TestSupport
import XCTest

/// Connection management, framing and the status codes the server decides itself.
final class ProtocolTests: XCTestCase {
    private var server: TestServer!

    override func setUpWithError() throws {
        server = try TestServer(configure: {
            $0.maxRequestLineBytes = 256
            $0.maxHeaderBytes = 512
            $0.maxHeaderCount = 10
            $0.maxBodyBytes = 1000
        }, routes: standardRoutes)
    }

    override func tearDown() {
        XCTAssertTrue(server.stop())
    }

    private func status(of request: String) throws -> RawResponse {
        let client = try server.client()
        client.send(request)
        return try XCTUnwrap(client.readResponse(), "no response to \(request.debugDescription)")
    }

    // MARK: Persistent connections

    func testKeepAliveServesSeveralRequests() throws {
        let client = try server.client()
        for _ in 0..<3 {
            client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(client.readResponse()?.text, "hello")
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        let client = try server.client()
        client.send("GET /query?n=1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /query?n=3 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "/query|n=1")
        XCTAssertEqual(client.readResponse()?.text, "abc")
        XCTAssertEqual(client.readResponse()?.text, "/query|n=3")
    }

    func testConnectionCloseIsHonoured() throws {
        let client = try server.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.headers["Connection"], "close")
        XCTAssertTrue(client.closedByServer())
    }

    func testHTTP10ClosesUnlessKeepAliveRequested() throws {
        let client = try server.client()
        client.send("GET /hello HTTP/1.0\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.headers["Connection"], "close")
        XCTAssertTrue(client.closedByServer())

        let persistent = try server.client()
        persistent.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertNil(persistent.readResponse()?.headers["Connection"])
        persistent.send("GET /hello HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        XCTAssertEqual(persistent.readResponse()?.text, "hello")
    }

    func testHTTP10WithTransferEncodingIsAnsweredThenClosed() throws {
        let client = try server.client()
        client.send("POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.text, "abc")
        XCTAssertEqual(response.headers["Connection"], "close")
        XCTAssertTrue(client.closedByServer())
    }

    func testHeaderNamesAreCaseInsensitive() throws {
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nhOsT: x\r\ncontent-LENGTH: 2\r\nCONTENT-TYPE: a/b\r\n\r\nok")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.text, "ok")
        XCTAssertEqual(response.headers["Content-Type"], "a/b")
    }

    func testLargeResponseIsWrittenCompletely() throws {
        let client = try server.client()
        client.send("GET /large?size=8000000 HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse(timeout: 10))
        XCTAssertEqual(response.body.count, 8_000_000)
        XCTAssertTrue(response.body == pattern(8_000_000))
    }

    func testResponseIsFinishedAfterClientHalfCloses() throws {
        let client = try server.client()
        client.send("GET /large?size=32000000 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(server.eventually { server.server.statistics.openConnections == 1 })
        usleep(100_000)
        client.finishSending()
        let response = try XCTUnwrap(client.readResponse(timeout: 10))
        XCTAssertEqual(response.body.count, 32_000_000)
        XCTAssertTrue(client.closedByServer())
    }

    // MARK: Chunked bodies

    func testChunkedBodySplitAcrossWrites() throws {
        let client = try server.client()
        let pieces = ["POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel",
                      "lo\r\n", "6\r", "\n world\r\n0\r\nTrailer-Field: yes\r\n", "\r\n"]
        for piece in pieces {
            client.send(piece)
            usleep(20_000)
        }
        XCTAssertEqual(client.readResponse()?.text, "hello world")
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "hello")
    }

    func testChunkedBodyOverLimitIs413() throws {
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + String(repeating: "a", count: 512) + "\r\n")
        client.send("300\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.headers["Connection"], "close")
    }

    func testMalformedChunkIs400() throws {
        XCTAssertEqual(try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").status, 400)
        XCTAssertEqual(try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n").status, 400)
    }

    // MARK: Framing errors

    func testContentLengthWithTransferEncodingIs400() throws {
        let response = try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        XCTAssertEqual(response.status, 400)
        XCTAssertEqual(response.headers["Connection"], "close")
    }

    func testUnknownTransferEncodingIs501() throws {
        XCTAssertEqual(try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").status, 501)
        XCTAssertEqual(try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n").status, 400)
    }

    func testPostWithoutLengthIs411() throws {
        XCTAssertEqual(try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\n\r\n").status, 411)
        XCTAssertEqual(try status(of: "PUT /echo HTTP/1.1\r\nHost: x\r\n\r\n").status, 411)
    }

    func testBadContentLengthIs400() throws {
        XCTAssertEqual(try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n").status, 400)
        XCTAssertEqual(try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").status, 400)
    }

    func testContentLengthOverLimitIs413BeforeReading() throws {
        let response = try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n")
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.headers["Connection"], "close")
    }

    // MARK: Malformed heads

    func testMalformedRequestLinesAre400() throws {
        for line in ["GET /hello\r\n", "GET  /hello HTTP/1.1\r\n", "GET /hello HTTP/1.1 x\r\n", "G(T /hello HTTP/1.1\r\n",
                     "GET hello HTTP/1.1\r\n", "GET /hello HTTP/1\r\n", "GET /hello http/1.1\r\n", "\u{1}\r\n"] {
            XCTAssertEqual(try status(of: line + "Host: x\r\n\r\n").status, 400, line.debugDescription)
        }
    }

    func testMalformedHeadersAre400() throws {
        for header in ["Bad Header: x", "NoColon", ": empty-name", "Name : space-before-colon", "X: a\u{0}b", "X: a\rb"] {
            XCTAssertEqual(try status(of: "GET /hello HTTP/1.1\r\nHost: x\r\n\(header)\r\n\r\n").status, 400, header.debugDescription)
        }
    }

    func testObsoleteLineFoldingIs400() throws {
        let response = try status(of: "GET /hello HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n  continued\r\n\r\n")
        XCTAssertEqual(response.status, 400)
        XCTAssertNotNil(response.problem?["detail"])
    }

    func testMissingHostIs400() throws {
        XCTAssertEqual(try status(of: "GET /hello HTTP/1.1\r\n\r\n").status, 400)
        XCTAssertEqual(try status(of: "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").status, 400)
    }

    func testUnsupportedVersionIs505() throws {
        XCTAssertEqual(try status(of: "GET /hello HTTP/2.0\r\nHost: x\r\n\r\n").status, 505)
        XCTAssertEqual(try status(of: "GET /hello HTTP/0.9\r\nHost: x\r\n\r\n").status, 505)
    }

    func testLongTargetIs414AndLongLineIs400() throws {
        let longPath = "/" + String(repeating: "a", count: 300)
        XCTAssertEqual(try status(of: "GET \(longPath) HTTP/1.1\r\nHost: x\r\n\r\n").status, 414)
        XCTAssertEqual(try status(of: "GET \(longPath)").status, 414, "decided before the line ends")
        XCTAssertEqual(try status(of: String(repeating: "A", count: 300)).status, 400)
    }

    func testTooManyOrTooLargeHeadersAre431() throws {
        let many = (0..<11).map { "X-\($0): v\r\n" }.joined()
        XCTAssertEqual(try status(of: "GET /hello HTTP/1.1\r\nHost: x\r\n\(many)\r\n").status, 431)
        let large = "X-Big: " + String(repeating: "b", count: 600) + "\r\n"
        XCTAssertEqual(try status(of: "GET /hello HTTP/1.1\r\nHost: x\r\n\(large)\r\n").status, 431)
    }

    func testUnknownExpectationIs417() throws {
        XCTAssertEqual(try status(of: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: something\r\n\r\n").status, 417)
    }

    // MARK: 100-continue

    func testContinueIsSentOnlyWhenTheRouteReadsTheBody() throws {
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let interim = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(interim.status, 100)
        client.send("hello")
        let final = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(final.status, 200)
        XCTAssertEqual(final.text, "hello")
    }

    func testRejectedHeadGetsFinalStatusWithoutContinue() throws {
        let client = try server.client()
        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 415)
        XCTAssertEqual(response.headers["Connection"], "close", "the unread body makes the connection unusable")
        XCTAssertTrue(client.closedByServer())

        let missing = try server.client()
        missing.send("POST /missing HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(missing.readResponse()?.status, 404)
    }
}
