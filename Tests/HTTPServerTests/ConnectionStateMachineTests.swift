import XCTest
@testable import HTTPServer

/// The connection's protocol without sockets: events in, actions out, time moved by hand.
final class ConnectionStateMachineTests: XCTestCase {
    private let get = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
    private let lingering = ["half-close", "resume reading"]

    // MARK: Persistent connections

    func testKeepAliveServesOneRequestAfterAnother() {
        let driver = MachineDriver()
        XCTAssertEqual(driver.nextDeadline, driver.configuration.headerTimeout)
        XCTAssertEqual(driver.read(get), ["dispatch GET /a"])
        XCTAssertEqual(driver.respond(), ["200"])
        XCTAssertEqual(driver.nextDeadline, driver.configuration.writeTimeout)
        XCTAssertEqual(driver.written(100), ["finished GET /a 200", "resume reading"])
        XCTAssertEqual(driver.nextDeadline, driver.configuration.keepAliveTimeout)
        XCTAssertEqual(driver.read("GET /b HTTP/1.1\r\nHost: x\r\n\r\n"), ["dispatch GET /b"])
    }

    func testPipelinedRequestsWaitForTheResponseBeforeThem() {
        let driver = MachineDriver()
        XCTAssertEqual(driver.read(get + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"), ["dispatch GET /a"])
        XCTAssertEqual(driver.respond(), ["200"])
        XCTAssertEqual(driver.written(100), ["finished GET /a 200", "resume reading", "parse on next turn"])
        XCTAssertEqual(driver.nextDeadline, driver.configuration.headerTimeout, "the buffered request's head is due")
        XCTAssertEqual(driver.nextTurn(), ["dispatch GET /b"])
    }

    func testConnectionCloseIsAnsweredWithCloseThenLingers() {
        let driver = MachineDriver()
        XCTAssertEqual(driver.read("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), ["dispatch GET /a"])
        XCTAssertEqual(driver.respond(), ["200 close"])
        XCTAssertEqual(driver.written(100), ["finished GET /a 200"] + lingering)
        XCTAssertEqual(driver.read(get), [], "input is dropped while lingering")
        XCTAssertEqual(driver.advance(driver.configuration.lingerTimeout), ["close"])
    }

    func testHTTP10IsPersistentOnlyWhenAsked() {
        let plain = MachineDriver()
        XCTAssertEqual(plain.read("GET /a HTTP/1.0\r\n\r\n"), ["dispatch GET /a"])
        XCTAssertEqual(plain.respond(), ["200 close"])

        let persistent = MachineDriver()
        XCTAssertEqual(persistent.read("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), ["dispatch GET /a"])
        XCTAssertEqual(persistent.respond(), ["200"])

        let chunked = MachineDriver()
        XCTAssertEqual(chunked.read("POST /a HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"),
                       ["dispatch POST /a with body"])
        XCTAssertEqual(chunked.readBody(), ["resume reading"])
        XCTAssertEqual(chunked.read("1\r\nx\r\n0\r\n\r\n"), ["body of 1 bytes"])
        XCTAssertEqual(chunked.respond(), ["200 close"], "chunked framing in 1.0 never persists")
    }

    func testAResponseToHeadHasNoBody() {
        let driver = MachineDriver()
        XCTAssertEqual(driver.read("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n"), ["dispatch HEAD /a"])
        XCTAssertEqual(driver.respond(), ["200 without body"])
    }

    // MARK: Bodies

    func testBodyIsPassedOnAsItArrives() {
        let driver = MachineDriver()
        XCTAssertEqual(driver.read("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc"), ["dispatch POST /a with body"])
        XCTAssertEqual(driver.readBody(), ["resume reading"])
        XCTAssertEqual(driver.read("def" + get), ["body of 6 bytes"])
        XCTAssertEqual(driver.chunks, ["abc", "def"])
        XCTAssertEqual(driver.readBody(), ["body failed: bodyUnavailable"], "a body is read once")
        XCTAssertEqual(driver.respond(), ["200"])
        XCTAssertEqual(driver.written(100), ["finished POST /a 200", "resume reading", "parse on next turn"])
        XCTAssertEqual(driver.nextTurn(), ["dispatch GET /a"])
        XCTAssertEqual(driver.readBody(), ["body of 0 bytes"], "no body to read")
    }

    func testContinueIsSentOnlyWhenTheRouteReadsTheBody() {
        let reading = MachineDriver()
        XCTAssertEqual(reading.read("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"),
                       ["dispatch POST /a with body"])
        XCTAssertEqual(reading.readBody(), ["100 Continue", "resume reading"])
        XCTAssertEqual(reading.read("ok"), ["body of 2 bytes"])

        let refusing = MachineDriver()
        _ = refusing.read("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(refusing.respond(.unsupportedMediaType), ["415 close"], "the unread body makes the connection unusable")
    }

    func testPeerClosingMidBodyAbandonsIt() {
        let driver = MachineDriver()
        _ = driver.read("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        _ = driver.readBody()
        XCTAssertEqual(driver.peerClosed(), ["close, abandoning the body"])
        XCTAssertEqual(driver.respond(), [], "nobody is left to answer")
    }

    func testPeerClosingWhileTheResponseIsWrittenLetsItFinish() {
        let driver = MachineDriver()
        _ = driver.read(get)
        XCTAssertEqual(driver.respond(), ["200"])
        XCTAssertEqual(driver.peerClosed(), ["pause reading"])
        XCTAssertEqual(driver.written(100), ["finished GET /a 200", "close"])
    }

    func testAThrowingChunkCallbackFailsTheBody() {
        let driver = MachineDriver()
        driver.chunkError = Problem(.contentTooLarge, detail: "Too much.")
        _ = driver.read("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n")
        XCTAssertEqual(driver.readBody(), ["resume reading"])
        XCTAssertEqual(driver.read("abc"), ["fail body with 413"])
        XCTAssertEqual(driver.respond(.contentTooLarge), ["413 close"])
    }

    func testInputBeyondWhatARouteMayLeaveUnreadPausesReading() {
        let driver = MachineDriver()
        _ = driver.read(get)
        let limit = driver.configuration.maxRequestLineBytes + driver.configuration.maxHeaderBytes + 64 * 1024
        XCTAssertEqual(driver.read(String(repeating: "x", count: limit)), ["pause reading"])
    }

    // MARK: Malformed requests

    func testMalformedHeadIs400ThenLingers() {
        let driver = MachineDriver()
        XCTAssertEqual(driver.read("GET /a\r\nHost: x\r\n\r\n"), ["400 close"])
        XCTAssertEqual(driver.written(100), ["finished 400"] + lingering)
    }

    func testRefusedFramingIsAnsweredWithTheRequestsHeaders() {
        let driver = MachineDriver(finishResponse: { request, response in
            response.headers.set("X-Request-ID", request["X-Request-ID"] ?? "none")
        })
        XCTAssertEqual(driver.read("POST /a HTTP/1.1\r\nHost: x\r\nX-Request-ID: r1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
                       ["400 close"])
        XCTAssertEqual(driver.sent.last?.headers["X-Request-ID"], "r1")
        XCTAssertEqual(driver.written(100), ["finished POST /a 400"] + lingering)
    }

    // MARK: Deadlines

    func testSilentConnectionIsClosedWithoutAnAnswer() {
        let driver = MachineDriver()
        XCTAssertEqual(driver.advance(driver.configuration.headerTimeout - 0.1), [])
        XCTAssertEqual(driver.advance(0.1), ["close"])
    }

    func testSlowHeadIs408() {
        let driver = MachineDriver()
        XCTAssertEqual(driver.read("GET /a HTTP/1.1\r\n"), [])
        XCTAssertEqual(driver.advance(driver.configuration.headerTimeout), ["408 close"])
        XCTAssertEqual(driver.written(100), ["finished 408"] + lingering)
    }

    func testTheReadDeadlineCutsOffATricklingHeadAndBody() {
        let head = MachineDriver { $0.headerTimeout = 100; $0.readTimeout = 1 }
        XCTAssertEqual(head.read("GET /a HTTP/1.1\r\n"), [])
        XCTAssertEqual(head.advance(0.6), [])
        XCTAssertEqual(head.read("X-Slow: 1\r\n"), [], "a byte now and then does not move the read deadline")
        XCTAssertEqual(head.advance(0.4), ["408 close"])

        let body = MachineDriver { $0.bodyIdleTimeout = 100; $0.readTimeout = 1 }
        _ = body.read("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        _ = body.readBody()
        XCTAssertEqual(body.advance(0.6), [])
        XCTAssertEqual(body.read("abc"), [])
        XCTAssertEqual(body.advance(0.4), ["fail body with 408, close if answered"])
    }

    func testTheReadDeadlineLeavesAHandlerItsTime() {
        let driver = MachineDriver { $0.readTimeout = 1 }
        _ = driver.read(get)
        XCTAssertEqual(driver.advance(5), [], "the request arrived in time")
        XCTAssertEqual(driver.respond(), ["200"])
    }

    func testIdleBodyIs408() {
        let driver = MachineDriver()
        _ = driver.read("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        _ = driver.readBody()
        XCTAssertEqual(driver.advance(driver.configuration.bodyIdleTimeout - 1), [])
        XCTAssertEqual(driver.read("abc"), [], "each piece restarts the idle time")
        XCTAssertEqual(driver.advance(driver.configuration.bodyIdleTimeout - 1), [])
        XCTAssertEqual(driver.advance(1), ["fail body with 408, close if answered"])
    }

    func testIdleKeepAliveConnectionClosesSilentlyUnlessTheNextRequestBegins() {
        let idle = MachineDriver()
        _ = idle.read(get)
        _ = idle.respond()
        _ = idle.written(100)
        XCTAssertEqual(idle.advance(idle.configuration.keepAliveTimeout), ["close"])

        let next = MachineDriver()
        _ = next.read(get)
        _ = next.respond()
        _ = next.written(100)
        XCTAssertEqual(next.advance(next.configuration.keepAliveTimeout - 1), [])
        XCTAssertEqual(next.read("GET /b"), [])
        XCTAssertEqual(next.nextDeadline, next.configuration.headerTimeout, "the new head gets the header time")
    }

    func testAClientThatDoesNotReadIsClosed() {
        let driver = MachineDriver()
        _ = driver.read(get)
        _ = driver.respond()
        XCTAssertEqual(driver.advance(driver.configuration.writeTimeout - 1), [])
        _ = driver.written(1000)
        XCTAssertEqual(driver.nextDeadline, driver.configuration.keepAliveTimeout)

        let stuck = MachineDriver()
        _ = stuck.read(get)
        _ = stuck.respond()
        XCTAssertEqual(stuck.advance(stuck.configuration.writeTimeout), ["close"])
    }

    // MARK: Shutdown

    func testShutdownClosesAnIdleConnectionAtOnce() {
        XCTAssertEqual(MachineDriver().beginShutdown(), ["close"])
        let keptAlive = MachineDriver()
        _ = keptAlive.read(get)
        _ = keptAlive.respond()
        _ = keptAlive.written(100)
        XCTAssertEqual(keptAlive.beginShutdown(), ["close"])
    }

    func testShutdownLetsABusyConnectionAnswerWithCloseFirst() {
        let handling = MachineDriver()
        _ = handling.read(get)
        XCTAssertEqual(handling.beginShutdown(), [])
        XCTAssertEqual(handling.respond(), ["200 close"])
        XCTAssertEqual(handling.written(100), ["finished GET /a 200"] + lingering)

        let arriving = MachineDriver()
        XCTAssertEqual(arriving.read("GET /a HTTP/1.1\r\n"), [])
        XCTAssertEqual(arriving.beginShutdown(), [], "a head on its way is answered")
        XCTAssertEqual(arriving.read("Host: x\r\n\r\n"), ["dispatch GET /a"])
        XCTAssertEqual(arriving.respond(), ["200 close"])
    }
}
