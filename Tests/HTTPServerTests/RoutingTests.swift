@testable import HTTPServer
import TestSupport
import XCTest

final class RoutingTests: XCTestCase {
    private var server: TestServer!

    override func setUpWithError() throws {
        server = try TestServer(routes: standardRoutes)
    }

    override func tearDown() {
        XCTAssertTrue(server.stop())
    }

    func testGetReturnsBodyWithFramingHeaders() throws {
        let client = try server.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "hello")
        XCTAssertEqual(response.headers["Content-Length"], "5")
        XCTAssertEqual(response.headers["Content-Type"], "text/plain; charset=utf-8")
        XCTAssertNotNil(response.headers["Date"])
        XCTAssertNil(response.headers["Connection"])
    }

    func testHeadIsServedByGetWithoutBody() throws {
        let client = try server.client()
        client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse(head: true))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["Content-Length"], "5")
        // The connection stays usable, which it would not if a body had been sent after the head.
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "hello")
    }

    func testPostEchoesBody() throws {
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "hello world")
        XCTAssertEqual(response.headers["Content-Type"], "text/plain")
    }

    func testUnknownPathIs404Problem() throws {
        let client = try server.client()
        client.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
        let problem = try XCTUnwrap(response.problem)
        XCTAssertEqual(problem["type"] as? String, "about:blank")
        XCTAssertEqual(problem["title"] as? String, "Not Found")
        XCTAssertEqual(problem["status"] as? Int, 404)
        XCTAssertNotNil(problem["detail"] as? String)
    }

    func testUnknownMethodIs405WithAllow() throws {
        let client = try server.client()
        client.send("DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.headers["Allow"], "POST, PUT")
        client.send("POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        let second = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(second.status, 405)
        XCTAssertEqual(second.headers["Allow"], "GET, HEAD")
    }

    func testQueryIsSplitOffAndDecoded() throws {
        let client = try server.client()
        client.send("GET /query?a=1&b=x+y&c=%C3%A9%26 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "/query|a=1;b=x y;c=é&")
    }

    func testAbsoluteFormTargetIsRouted() throws {
        let client = try server.client()
        client.send("GET http://example.com/query?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "/query|q=1")
    }

    func testThrowingHandlerIs500AndServerStaysUp() throws {
        let client = try server.client()
        client.send("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 500)
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
        client.send("POST /fail-later HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
        XCTAssertEqual(client.readResponse()?.status, 500)
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
    }

    func testThrownProblemIsAnsweredAsIs() throws {
        let client = try server.client()
        client.send("GET /conflict HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 409)
        XCTAssertEqual(response.problem?["detail"] as? String, "Try another name.")
    }

    func testResponseHeadersCannotInjectLines() throws {
        server.router.add("GET", "/inject") { request, exchange in
            exchange.respond(HTTPResponse(headers: ["X-Echo": request.queryValue("v") ?? ""], body: []))
        }
        server.router.add("GET", "/empty") { _, exchange in
            exchange.respond(HTTPResponse(status: .noContent))
        }
        let client = try server.client()
        client.send("GET /inject?v=a%0D%0ASet-Cookie:%20x HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.headers["X-Echo"], "a Set-Cookie: x")
        XCTAssertNil(response.headers["Set-Cookie"])
        client.send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n")
        let empty = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(empty.status, 204)
        XCTAssertNil(empty.headers["Content-Length"])
    }

    func testPrefixRoutes() throws {
        server.router.add("GET", prefix: "/jobs/") { request, exchange in
            exchange.respond(HTTPResponse(text: "job \(request.path.dropFirst("/jobs/".count))"))
        }
        server.router.add("DELETE", prefix: "/jobs/") { _, exchange in
            exchange.respond(HTTPResponse(status: .noContent))
        }
        server.router.add("GET", prefix: "/jobs/special/") { _, exchange in
            exchange.respond(HTTPResponse(text: "special"))
        }
        server.router.add("GET", "/jobs/list") { _, exchange in
            exchange.respond(HTTPResponse(text: "list"))
        }
        let client = try server.client()
        for (target, expected) in [("/jobs/42?x=1", "job 42"), ("/jobs/special/1", "special"), ("/jobs/list", "list")] {
            client.send("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(client.readResponse()?.text, expected)
        }
        client.send("PUT /jobs/42 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.headers["Allow"], "DELETE, GET, HEAD")
        client.send("GET /jobs HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 404)
    }

    func testIPv6Loopback() throws {
        let v6 = try TestServer(host: "::1", routes: standardRoutes)
        defer { XCTAssertTrue(v6.stop()) }
        let client = try RawClient(port: v6.port, host: "::1")
        client.send("GET /hello HTTP/1.1\r\nHost: [::1]\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "hello")
    }
}
