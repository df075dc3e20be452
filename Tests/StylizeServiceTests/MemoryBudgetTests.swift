import Dispatch
import Foundation
@testable import StylizeService
import XCTest

final class MemoryBudgetTests: XCTestCase {
    func testReservationsNeverExceedTheBudgetAndGiveBackWhenReleased() {
        let budget = MemoryBudget(capacity: 100)
        var first: MemoryReservation? = budget.emptyReservation()
        XCTAssertTrue(first!.grow(by: 60))
        let second = budget.emptyReservation()
        XCTAssertFalse(second.grow(by: 41), "60 + 41 is over the budget")
        XCTAssertTrue(second.grow(by: 40))
        XCTAssertEqual(budget.reservedBytes, 100)
        second.shrink(by: 15)
        XCTAssertEqual(budget.reservedBytes, 85)
        first = nil
        XCTAssertEqual(budget.reservedBytes, 25, "a released reservation gives back what it held")
    }

    func testAWaitingReservationGetsMemoryGivenBackOrGivesUp() {
        let budget = MemoryBudget(capacity: 100)
        let holder = budget.emptyReservation()
        XCTAssertTrue(holder.grow(by: 90))
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { holder.shrink(by: 90) }
        let waiting = budget.emptyReservation()
        XCTAssertTrue(waiting.grow(by: 50, waitingUntil: .now() + 5, isCancelled: { false }))

        let started = Date()
        XCTAssertFalse(budget.emptyReservation().grow(by: 60, waitingUntil: .now() + 0.3, isCancelled: { false }))
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.3)
        XCTAssertFalse(budget.emptyReservation().grow(by: 60, waitingUntil: .now() + 5, isCancelled: { true }))
        XCTAssertFalse(budget.emptyReservation().grow(by: 101, waitingUntil: .now() + 5, isCancelled: { false }),
                       "more than the whole budget never fits")
    }

    func testFreedMemoryIsReturnedOnceNothingHasBeenHeldForAWhile() {
        let returned = expectation(description: "returned")
        returned.assertForOverFulfill = false
        let budget = MemoryBudget(capacity: 100 << 20, returnFreedMemory: { returned.fulfill() })
        do {
            let reservation = budget.emptyReservation()
            XCTAssertTrue(reservation.grow(by: 10 << 20))
            reservation.markServed()
            let other = budget.emptyReservation()
            XCTAssertTrue(other.grow(by: 10))
            other.markServed()
        }
        wait(for: [returned], timeout: 3)
    }

    func testMemoryOfARequestWithoutAResultIsReturnedSoonEvenWhileOthersHoldSome() {
        let returned = expectation(description: "returned")
        returned.assertForOverFulfill = false
        let budget = MemoryBudget(capacity: 100 << 20, returnFreedMemory: { returned.fulfill() })
        let busy = budget.emptyReservation()
        XCTAssertTrue(busy.grow(by: 1 << 20))
        do {
            let refused = budget.emptyReservation()
            XCTAssertTrue(refused.grow(by: 8 << 20))
        }
        wait(for: [returned], timeout: 0.5)
        XCTAssertEqual(budget.reservedBytes, 1 << 20)
    }
}
