import XCTest
@testable import HTTPServer

/// The router's own answers, decided without a connection: 404 for an unknown path, 405 with Allow.
final class RouterTests: XCTestCase {
    private let router = Router()

    override func setUp() {
        router.add("GET", "/hello") { _, exchange in exchange.respond(HTTPResponse(text: "hello")) }
        router.add("POST", "/echo") { _, _ in }
        router.add("PUT", "/echo") { _, _ in }
        router.add("DELETE", prefix: "/jobs/") { _, _ in }
    }

    private func route(_ method: String, _ target: String) -> Router.Route {
        router.route(HTTPRequest(method: method, target: target, version: .http1_1, headers: HTTPHeaders(), remoteAddress: "test"))
    }

    private func response(_ method: String, _ target: String, file: StaticString = #filePath, line: UInt = #line) -> HTTPResponse? {
        guard case .response(let response) = route(method, target) else {
            XCTFail("\(method) \(target) was routed to a handler", file: file, line: line)
            return nil
        }
        return response
    }

    func testRegisteredRoutesGetTheirHandler() {
        for (method, target) in [("GET", "/hello"), ("HEAD", "/hello?x=1"), ("PUT", "/echo"), ("DELETE", "/jobs/42")] {
            guard case .handler = route(method, target) else { return XCTFail("\(method) \(target)") }
        }
    }

    func testUnknownPathIs404Problem() throws {
        let response = try XCTUnwrap(response("GET", "/nope"))
        XCTAssertEqual(response.status, .notFound)
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
        XCTAssertNil(response.headers["Allow"])
        XCTAssertTrue(String(decoding: response.body, as: UTF8.self).contains("'/nope'"))
    }

    func testOtherMethodIs405WithTheRegisteredOnesInAllow() throws {
        let echo = try XCTUnwrap(response("DELETE", "/echo"))
        XCTAssertEqual(echo.status, .methodNotAllowed)
        XCTAssertEqual(echo.headers["Allow"], "POST, PUT")
        XCTAssertEqual(try XCTUnwrap(response("POST", "/hello")).headers["Allow"], "GET, HEAD", "GET brings HEAD")
        XCTAssertEqual(try XCTUnwrap(response("GET", "/jobs/7")).headers["Allow"], "DELETE", "prefix routes too")
    }
}
