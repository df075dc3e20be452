import XCTest
@testable import HTTPServer

/// Deadlines, connection limits and many idle clients, with short timeouts so the suite stays fast.
final class DeadlineTests: XCTestCase {
    private var server: TestServer!

    override func setUpWithError() throws {
        server = try TestServer(configure: {
            $0.headerTimeout = 0.3
            $0.bodyIdleTimeout = 0.3
            $0.keepAliveTimeout = 0.3
            $0.writeTimeout = 0.3
            $0.maxConnections = 400
        }, routes: standardRoutes)
    }

    override func tearDown() {
        XCTAssertTrue(server.stop())
    }

    func testSlowHeadIs408ThenClosed() throws {
        let client = try server.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 408)
        XCTAssertEqual(response.headers["Connection"], "close")
        XCTAssertTrue(client.closedByServer())
    }

    func testSilentConnectionIsClosedWithoutResponse() throws {
        let client = try server.client()
        XCTAssertTrue(client.closedByServer())
    }

    func testIdleBodyIs408ThenClosed() throws {
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 408)
        XCTAssertEqual(response.headers["Connection"], "close")
        XCTAssertTrue(client.closedByServer())
    }

    func testIdleKeepAliveConnectionIsClosedSilently() throws {
        let client = try server.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 200)
        XCTAssertTrue(client.closedByServer(), "closed without a 408")
    }

    func testClientThatDoesNotReadIsClosed() throws {
        let client = try server.client()
        client.send("GET /large?size=32000000 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(server.eventually { server.server.statistics.openConnections == 1 })
        XCTAssertTrue(server.eventually(timeout: 10) { server.server.statistics.openConnections == 0 })
        withExtendedLifetime(client) {}
    }

    func testManyIdleConnectionsDoNotBlockOthers() throws {
        let busy = try TestServer(routes: standardRoutes)
        defer { XCTAssertTrue(busy.stop()) }
        let idle = try (0..<300).map { _ in try busy.client() }
        let slow = try (0..<20).map { _ in try busy.client() }
        slow.forEach { $0.send("GET /hello HTTP/1.1\r\nHost: x\r\n") }
        XCTAssertTrue(busy.eventually { busy.server.statistics.openConnections == 320 })
        let started = Date()
        let client = try busy.client()
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse(timeout: 5)?.text, "hello")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertTrue(idle[0].staysQuiet(for: 0.05), "idle connections stay open")
        withExtendedLifetime((idle, slow)) {}
    }

    func testConnectionsOverTheLimitGet503() throws {
        let limited = try TestServer(configure: { $0.maxConnections = 2 }, routes: standardRoutes)
        defer { XCTAssertTrue(limited.stop()) }
        let first = try limited.client()
        let second = try limited.client()
        XCTAssertTrue(limited.eventually { limited.server.statistics.openConnections == 2 })
        let third = try limited.client()
        let response = try XCTUnwrap(third.readResponse())
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(response.headers["Connection"], "close")
        XCTAssertEqual(limited.server.statistics.rejectedConnections, 1)
        first.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(first.readResponse()?.status, 200)
        withExtendedLifetime(second) {}
    }
}
