import Foundation
@testable import StylizeService
import XCTest

/// The bounded queue: refusal when full, liveness while saturated, clients that leave, deadlines.
final class QueueTests: XCTestCase {
    private let content = ServiceHarness.input("content_seaport_128x96.png")
    private let style = ServiceHarness.input("style_udnie_80x64.png")

    func testAFullQueueAnswers503WithRetryAfterWhileHealthStillAnswers() throws {
        let harness = try ServiceHarness { $0.workers = 1; $0.queueDepth = 1 }
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        harness.fillWorkersAndQueue(release: release)

        let refused = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)"])
        XCTAssertEqual(refused.status, 503, refused.text)
        XCTAssertNotNil(refused.headers["retry-after"].flatMap(Int.init))

        let started = Date()
        XCTAssertEqual(try harness.curl("/healthz").status, 200)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "liveness must not wait behind the workers")
        let readiness = try harness.curl("/readyz")
        XCTAssertEqual(readiness.status, 503)
        XCTAssertEqual(readiness.json["status"] as? String, "busy")
    }

    func testAClientThatLeavesIsDroppedFromTheQueue() throws {
        let harness = try ServiceHarness { $0.workers = 1; $0.queueDepth = 2 }
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        let blocker = DispatchSemaphore(value: 0)
        XCTAssertTrue(harness.service.pool.submit(.init { release.wait(); release.signal(); blocker.signal() }))

        let impatient = try harness.curl("/v1/stylize",
                                         ["--max-time", "2", "-F", "content=@\(content)", "-F", "style=@\(style)"])
        XCTAssertEqual(impatient.status, 0, "curl should have given up")
        let deadline = Date().addingTimeInterval(10)
        while harness.service.pool.snapshot.queued > 0, Date() < deadline { usleep(20_000) }
        XCTAssertEqual(harness.service.pool.snapshot.queued, 0, "the abandoned request should leave the queue")
    }

    func testARequestThatWaitsPastItsDeadlineIsRefused() throws {
        let harness = try ServiceHarness { $0.workers = 1; $0.queueDepth = 2; $0.requestTimeout = 1 }
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        XCTAssertTrue(harness.service.pool.submit(.init { release.wait(); release.signal() }))
        let response = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)"])
        XCTAssertEqual(response.status, 503, response.text)
        XCTAssertTrue((response.json["detail"] as? String ?? "").contains("waited"))
        XCTAssertEqual(harness.service.pool.snapshot.queued, 0)
    }
}
