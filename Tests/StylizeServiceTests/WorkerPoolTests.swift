import Foundation
@testable import StylizeService
import XCTest

/// The worker pool on its own: what waits, and queued work outliving whoever let go of the pool.
final class WorkerPoolTests: XCTestCase {
    func testWithoutAQueueAnIdleWorkerStillTakesAJob() {
        let pool = WorkerPool(workers: 1, capacity: 0)
        defer { pool.stop() }
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        XCTAssertTrue(pool.hasRoom)
        XCTAssertTrue(pool.submit(WorkerPool.Job { started.signal(); release.wait() }))
        XCTAssertEqual(started.wait(timeout: .now() + 5), .success)
        XCTAssertFalse(pool.hasRoom, "the only worker is busy and nothing may wait")
        XCTAssertFalse(pool.submit(WorkerPool.Job {}))
        release.signal()
        let end = Date(timeIntervalSinceNow: 5)
        while !pool.hasRoom && Date() < end { usleep(10_000) }
        XCTAssertTrue(pool.submit(WorkerPool.Job {}), "free again")
    }

    func testQueuedJobsCountAgainstTheDepthOnlyOnceEveryWorkerIsBusy() {
        let pool = WorkerPool(workers: 2, capacity: 1)
        defer { pool.stop() }
        let release = DispatchSemaphore(value: 0)
        let blocking = { WorkerPool.Job { release.wait() } }
        XCTAssertTrue(pool.submit(blocking()))
        XCTAssertTrue(pool.submit(blocking()))
        XCTAssertTrue(pool.submit(blocking()), "one may wait")
        XCTAssertFalse(pool.submit(blocking()))
        (0..<3).forEach { _ in release.signal() }
    }

    func testAPoolLetGoOfWhileBusyStillRunsWhatItHolds() {
        let release = DispatchSemaphore(value: 0)
        let ran = DispatchSemaphore(value: 0)
        weak var released: WorkerPool?
        do {
            let pool = WorkerPool(workers: 1, capacity: 2)
            released = pool
            XCTAssertTrue(pool.submit(WorkerPool.Job { release.wait(); ran.signal() }))
            XCTAssertTrue(pool.submit(WorkerPool.Job { ran.signal() }))
            pool.stop()
        }
        release.signal()
        XCTAssertEqual(ran.wait(timeout: .now() + 5), .success, "the running job finished")
        XCTAssertEqual(ran.wait(timeout: .now() + 5), .success, "the queued job ran")
        let end = Date(timeIntervalSinceNow: 5)
        while released != nil && Date() < end { usleep(10_000) }
        XCTAssertNil(released, "once its threads end, nothing keeps the pool")
    }
}
