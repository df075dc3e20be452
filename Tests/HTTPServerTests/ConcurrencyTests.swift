import XCTest
@testable import HTTPServer

/// Many clients at once, each keeping its connection, with responses finished on other threads.
final class ConcurrencyTests: XCTestCase {
    func testParallelKeepAliveClientsGetTheirOwnAnswers() throws {
        let server = try TestServer(routes: { router in
            router.add("POST", "/delayed-echo") { _, exchange in
                exchange.collectBody { result in
                    let body = try result.get()
                    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int.random(in: 0...5))) {
                        exchange.respond(HTTPResponse(body: body))
                    }
                }
            }
        })
        defer { XCTAssertTrue(server.stop()) }
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 40) { clientIndex in
            do {
                let client = try server.client()
                for requestIndex in 0..<20 {
                    let body = "client \(clientIndex) request \(requestIndex)"
                    client.send("POST /delayed-echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                    let text = client.readResponse(timeout: 10)?.text
                    if text != body { failures.withValue { $0.append("\(body): \(text ?? "no response")") } }
                }
            } catch {
                failures.withValue { $0.append("client \(clientIndex): \(error)") }
            }
        }
        XCTAssertEqual(failures.withValue { $0 }, [])
        XCTAssertEqual(server.server.statistics.acceptedConnections, 40)
        XCTAssertTrue(server.eventually { server.accessLog.count == 800 })
    }
}
