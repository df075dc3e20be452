@testable import HTTPServer
import TestSupport
import XCTest

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

    func testATricklingBodyIsCutOffByTheReadDeadline() throws {
        let strict = try TestServer(configure: {
            $0.bodyIdleTimeout = 5
            $0.headerTimeout = 5
            $0.readTimeout = 1
        }, routes: standardRoutes)
        defer { XCTAssertTrue(strict.stop()) }
        let client = try strict.client()
        let started = Date()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
        // A byte every 100 ms keeps the body's idle timer from ever passing.
        let response = trickle("a", to: client)
        XCTAssertEqual(response?.status, 408)
        XCTAssertEqual(response?.headers["Connection"], "close")
        XCTAssertTrue(client.closedByServer())
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5)
    }

    func testATricklingHeadIsCutOffByTheReadDeadline() throws {
        let strict = try TestServer(configure: {
            $0.headerTimeout = 5
            $0.readTimeout = 1
        }, routes: standardRoutes)
        defer { XCTAssertTrue(strict.stop()) }
        let client = try strict.client()
        client.send("GET /hello HTTP/1.1\r\n")
        XCTAssertEqual(trickle("X-Slow: 1\r\n", to: client)?.status, 408)
    }

    /// Sends `piece` every 100 ms, for at most 4 s, until a response comes.
    private func trickle(_ piece: String, to client: RawClient) -> RawResponse? {
        for _ in 0..<40 {
            client.send(piece)
            if let response = client.readResponse(timeout: 0.1) { return response }
        }
        return nil
    }

    func testTheReadDeadlineDoesNotCutOffASlowHandler() throws {
        let slow = try TestServer(configure: { $0.readTimeout = 0.3 }, routes: standardRoutes)
        defer { XCTAssertTrue(slow.stop()) }
        let client = try slow.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        XCTAssertEqual(client.readResponse()?.text, "abc")
        Thread.sleep(forTimeInterval: 0.5)
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "hello", "a new request gets its own deadline")
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
