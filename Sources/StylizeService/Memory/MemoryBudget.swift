import Dispatch
import Foundation

/// The bytes that requests in progress may hold at once, process-wide: their uploads as they
/// arrive, then the decoded images and the stylization's working memory. Every request holds a
/// ``MemoryReservation`` for what it uses, taken before it uses it, so that no mix of requests
/// can take the process past its budget (and a container past its memory limit).
///
/// Memory a request frees stays in the allocator for the next request to reuse (which spares a
/// stylization the kernel's zeroing of fresh pages), so the allocator is asked to give it back
/// to the system when reuse is unlikely: after a second with nothing held, and soon after a
/// request that ended without a result (refused, failed, abandoned), whose memory the
/// allocator could otherwise keep beside what later requests take anew.
final class MemoryBudget: @unchecked Sendable {
    let capacity: Int
    private let condition = NSCondition()
    private var reserved = 0
    /// Counts reservations taken, so that an idle moment can tell whether it lasted.
    private var takes = 0
    private var returnPending = false
    private let returnFreedMemory: @Sendable () -> Void

    init(capacity: Int, returnFreedMemory: @escaping @Sendable () -> Void = {}) {
        precondition(capacity > 0, "a memory budget must be positive")
        self.capacity = capacity
        self.returnFreedMemory = returnFreedMemory
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

    /// `unused`: the memory served no finished result, so it is returned to the system soon.
    func giveBack(_ bytes: Int, unused: Bool = false) {
        guard bytes > 0 else { return }
        let (idleSince, returnNow): (Int?, Bool) = condition.withLock {
            reserved -= bytes
            condition.broadcast()
            let returnNow = unused && bytes >= 1 << 20 && !returnPending
            if returnNow { returnPending = true }
            return (reserved == 0 ? takes : nil, returnNow)
        }
        if returnNow {
            // Coalesced: the requests refused together in a burst share one return.
            DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + 0.05) { [self] in
                condition.withLock { returnPending = false }
                returnFreedMemory()
            }
        }
        guard let idleSince else { return }
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + 1) { [self] in
            if condition.withLock({ reserved == 0 && takes == idleSince }) { returnFreedMemory() }
        }
    }
}

/// Bytes of the budget that one request holds; what is left is given back when it is released.
final class MemoryReservation: @unchecked Sendable {
    private let budget: MemoryBudget
    private let lock = NSLock()
    private var held = 0
    private var served = false

    fileprivate init(budget: MemoryBudget) {
        self.budget = budget
    }

    deinit {
        budget.giveBack(held, unused: !served)
    }

    var bytes: Int {
        lock.withLock { held }
    }

    /// Marks the memory as having produced a result: the next request will likely reuse it.
    func markServed() {
        lock.withLock { served = true }
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
