import Foundation
@testable import StylizeService
import XCTest

/// The worker pool on its own: queued work outlives whoever let go of the pool.
final class WorkerPoolTests: XCTestCase {
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
