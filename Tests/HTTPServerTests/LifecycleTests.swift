@testable import HTTPServer
import TestSupport
import XCTest

/// Requests that outlive their handler call: pending work, disconnects, shutdown, and the access log.
final class LifecycleTests: XCTestCase {
    private var server: TestServer!
    private let pending = Locked<[HTTPExchange]>([])
    private let bodyResults = Locked<[Result<Int, Error>]>([])

    override func setUpWithError() throws {
        let pending = self.pending
        let bodyResults = self.bodyResults
        server = try TestServer(routes: { router in
            standardRoutes(router)
            // Parks the exchange, as a route that queues work for a worker pool does.
            router.add("GET", "/pending") { _, exchange in
                pending.withValue { $0.append(exchange) }
            }
            router.add("POST", "/sink") { _, exchange in
                exchange.readBody({ _ in }, completion: { result in
                    bodyResults.withValue { $0.append(result) }
                })
            }
        })
    }

    override func tearDown() {
        XCTAssertTrue(server.stop())
    }

    private func waitForPending(_ count: Int = 1) -> [HTTPExchange] {
        XCTAssertTrue(server.eventually { pending.withValue { $0.count } >= count })
        return pending.withValue { $0 }
    }

    func testResponseFromAnotherThreadLater() throws {
        let client = try server.client()
        client.send("GET /pending HTTP/1.1\r\nHost: x\r\n\r\n")
        let exchange = try XCTUnwrap(waitForPending().first)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) {
            exchange.respond(HTTPResponse(text: "done"))
            exchange.respond(HTTPResponse(text: "ignored"))
        }
        XCTAssertEqual(client.readResponse()?.text, "done")
        client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.text, "hello", "a second respond call wrote nothing")
    }

    func testApplicationCanAnswer503And504() throws {
        let client = try server.client()
        client.send("GET /pending HTTP/1.1\r\nHost: x\r\n\r\n")
        try XCTUnwrap(waitForPending().first).respond(Problem(.gatewayTimeout, detail: "The request took longer than 30 s."))
        let response = try XCTUnwrap(client.readResponse())
        XCTAssertEqual(response.status, 504)
        XCTAssertEqual(response.headers["Content-Type"], "application/problem+json")
    }

    func testClientResetCancelsPendingRequest() throws {
        try checkCancellation { $0.abort() }
    }

    func testClientCloseCancelsPendingRequest() throws {
        try checkCancellation { $0.finishSending() }
    }

    private func checkCancellation(disconnect: (RawClient) -> Void) throws {
        let client = try server.client()
        client.send("GET /pending HTTP/1.1\r\nHost: x\r\n\r\n")
        let exchange = try XCTUnwrap(waitForPending().first)
        let cancelled = expectation(description: "cancelled")
        exchange.onCancel { cancelled.fulfill() }
        XCTAssertFalse(exchange.isCancelled)
        disconnect(client)
        wait(for: [cancelled], timeout: 5)
        XCTAssertTrue(exchange.isCancelled)
        exchange.respond(HTTPResponse(text: "too late"))
        XCTAssertTrue(server.eventually { server.server.statistics.openConnections == 0 })
        let late = expectation(description: "a callback registered after cancellation runs at once")
        exchange.onCancel { late.fulfill() }
        wait(for: [late], timeout: 1)
    }

    func testDisconnectMidUploadIsCleanedUp() throws {
        let client = try server.client()
        client.send("POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + String(repeating: "x", count: 5000))
        XCTAssertTrue(server.eventually { server.server.statistics.openConnections == 1 })
        client.abort()
        XCTAssertTrue(server.eventually { server.server.statistics.openConnections == 0 })
        XCTAssertTrue(server.eventually { bodyResults.withValue { $0.count } == 1 })
        let result = try XCTUnwrap(bodyResults.withValue { $0.first })
        XCTAssertThrowsError(try result.get()) { XCTAssertEqual($0 as? HTTPExchangeError, .connectionClosed) }
        let next = try server.client()
        next.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(next.readResponse()?.text, "hello")
    }

    func testGracefulShutdownAnswersInFlightRequestThenStops() throws {
        let idle = try server.client()
        idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(idle.readResponse()?.status, 200)
        let busy = try server.client()
        busy.send("GET /pending HTTP/1.1\r\nHost: x\r\n\r\n")
        let exchange = try XCTUnwrap(waitForPending().first)

        let stopped = expectation(description: "stopped")
        server.server.beginShutdown(drainTimeout: 10) { stopped.fulfill() }
        XCTAssertTrue(idle.closedByServer(), "idle keep-alive connections close at once")
        XCTAssertThrowsError(try server.client(), "the listener is closed")

        exchange.respond(HTTPResponse(text: "finished"))
        let response = try XCTUnwrap(busy.readResponse())
        XCTAssertEqual(response.text, "finished")
        XCTAssertEqual(response.headers["Connection"], "close")
        wait(for: [stopped], timeout: 5)
        XCTAssertEqual(server.server.statistics.openConnections, 0)
    }

    func testDrainTimeoutForcesClose() throws {
        let busy = try server.client()
        busy.send("GET /pending HTTP/1.1\r\nHost: x\r\n\r\n")
        let exchange = try XCTUnwrap(waitForPending().first)
        let stopped = expectation(description: "stopped")
        server.server.beginShutdown(drainTimeout: 0.2) { stopped.fulfill() }
        wait(for: [stopped], timeout: 5)
        XCTAssertTrue(exchange.isCancelled)
        XCTAssertTrue(busy.closedByServer())
    }

    func testAccessLogReportsEachResponse() throws {
        let client = try server.client()
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc-123\r\nContent-Length: 4\r\n\r\nping")
        XCTAssertEqual(client.readResponse()?.text, "ping")
        client.send("GET /nope?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponse()?.status, 404)
        XCTAssertTrue(server.eventually { server.accessLog.count == 2 })
        let (first, second) = (server.accessLog[0], server.accessLog[1])
        XCTAssertEqual(first.method, "POST")
        XCTAssertEqual(first.target, "/echo")
        XCTAssertEqual(first.status, .ok)
        XCTAssertEqual(first.requestHeaders["x-request-id"], "abc-123")
        XCTAssertGreaterThan(first.bytesIn, 4)
        XCTAssertGreaterThan(first.bytesOut, 4)
        XCTAssertGreaterThanOrEqual(first.duration, 0)
        XCTAssertTrue(first.remoteAddress.hasPrefix("127.0.0.1:"))
        XCTAssertEqual(second.target, "/nope?x=1")
        XCTAssertEqual(second.status.code, 404)
        XCTAssertEqual(server.server.statistics.openConnections, 1)
    }
}
