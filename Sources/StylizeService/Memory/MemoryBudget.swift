import Dispatch
import Foundation

/// The bytes that requests in progress may hold at once, process-wide: their uploads as they
/// arrive, then the decoded images and the stylization's working memory. Every request holds a
/// ``MemoryReservation`` for what it uses, taken before it uses it, so that no mix of requests
/// can take the process past its budget (and a container past its memory limit).
final class MemoryBudget: @unchecked Sendable {
    let capacity: Int
    private let condition = NSCondition()
    private var reserved = 0
    /// Counts reservations taken, so that an idle moment can tell whether it lasted.
    private var takes = 0
    private let onIdle: @Sendable () -> Void

    /// `onIdle` runs (on a background queue) once nothing has been reserved for a second.
    init(capacity: Int, onIdle: @escaping @Sendable () -> Void = {}) {
        precondition(capacity > 0, "a memory budget must be positive")
        self.capacity = capacity
        self.onIdle = onIdle
    }

    /// Bytes held by reservations now.
    var reservedBytes: Int {
        condition.withLock { reserved }
    }

    /// A reservation of nothing yet, which grows as an upload arrives.
    func emptyReservation() -> MemoryReservation {
        MemoryReservation(budget: self)
    }

    /// Takes `bytes` if they fit now; never waits (for the I/O queues).
    func take(_ bytes: Int) -> Bool {
        condition.withLock {
            guard bytes <= capacity - reserved else { return false }
            reserved += bytes
            takes += 1
            return true
        }
    }

    /// Takes `bytes`, waiting for other requests to give memory back, until `deadline` or until
    /// `isCancelled` says the request is gone; false then. For worker threads only.
    func take(_ bytes: Int, waitingUntil deadline: DispatchTime, isCancelled: () -> Bool) -> Bool {
        guard bytes <= capacity else { return false }
        return condition.withLock {
            while bytes > capacity - reserved {
                guard !isCancelled(), DispatchTime.now() < deadline else { return false }
                // Wakes at least every 100 ms to notice a cancelled request.
                _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
            }
            reserved += bytes
            takes += 1
            return true
        }
    }

    func giveBack(_ bytes: Int) {
        guard bytes > 0 else { return }
        let idleSince: Int? = condition.withLock {
            reserved -= bytes
            condition.broadcast()
            return reserved == 0 ? takes : nil
        }
        guard let idleSince else { return }
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + 1) { [self] in
            if condition.withLock({ reserved == 0 && takes == idleSince }) { onIdle() }
        }
    }
}

/// Bytes of the budget that one request holds; what is left is given back when it is released.
final class MemoryReservation: @unchecked Sendable {
    private let budget: MemoryBudget
    private let lock = NSLock()
    private var held = 0

    fileprivate init(budget: MemoryBudget) {
        self.budget = budget
    }

    deinit {
        budget.giveBack(held)
    }

    var bytes: Int {
        lock.withLock { held }
    }

    /// Adds `bytes` if the budget has them now.
    func grow(by bytes: Int) -> Bool {
        guard budget.take(bytes) else { return false }
        lock.withLock { held += bytes }
        return true
    }

    /// Adds `bytes`, waiting for them as ``MemoryBudget/take(_:waitingUntil:isCancelled:)`` does.
    func grow(by bytes: Int, waitingUntil deadline: DispatchTime, isCancelled: () -> Bool) -> Bool {
        guard budget.take(bytes, waitingUntil: deadline, isCancelled: isCancelled) else { return false }
        lock.withLock { held += bytes }
        return true
    }

    /// Gives back up to `bytes` that are no longer used (an upload once decoded).
    func shrink(by bytes: Int) {
        let returned = lock.withLock {
            let amount = min(bytes, held)
            held -= amount
            return amount
        }
        budget.giveBack(returned)
    }
}
