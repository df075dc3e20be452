import Foundation

/// A fixed set of threads fed by a bounded queue. Stylization is long CPU work that must
/// not run on the I/O queues, and a full queue must refuse work at once rather than
/// let waiting time grow without bound.
final class WorkerPool: @unchecked Sendable {
    /// A unit of work; one cancelled while queued never runs.
    final class Job: @unchecked Sendable {
        fileprivate let work: () -> Void
        private let lock = NSLock()
        private var finishHandlers: [() -> Void] = []
        private var isFinished = false

        init(_ work: @escaping () -> Void) {
            self.work = work
        }

        /// Runs `handler` once the job has run, or has left the queue without running (at once
        /// if it already has).
        func onFinish(_ handler: @escaping () -> Void) {
            let runNow = lock.withLock {
                if !isFinished { finishHandlers.append(handler) }
                return isFinished
            }
            if runNow { handler() }
        }

        fileprivate func finished() {
            let handlers = lock.withLock {
                isFinished = true
                defer { finishHandlers = [] }
                return finishHandlers
            }
            handlers.forEach { $0() }
        }
    }

    struct Snapshot: Sendable, Equatable {
        var queued: Int
        var busy: Int
    }

    /// Jobs that may wait for a worker; a job an idle worker takes at once does not wait.
    let capacity: Int
    private let workers: Int
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var busy = 0
    private var stopping = false
    private let onChange: @Sendable (Snapshot) -> Void

    /// `onChange` sees every new queue length and busy count (for gauges); it must not block.
    /// Each worker thread keeps the pool until `stop()` lets it end, so that a pool let go of
    /// while it holds work still finishes it rather than leave its threads on freed state.
    init(workers: Int, capacity: Int, onChange: @escaping @Sendable (Snapshot) -> Void = { _ in }) {
        precondition(workers > 0 && capacity >= 0)
        self.capacity = capacity
        self.workers = workers
        self.onChange = onChange
        for index in 0..<workers {
            let thread = Thread { self.run() }
            thread.name = "stylize-worker-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Queues `job`; false when `capacity` jobs already wait with every worker busy.
    func submit(_ job: Job) -> Bool {
        let snapshot: Snapshot? = condition.withLock {
            guard hasRoomLocked else { return nil }
            queue.append(job)
            condition.signal()
            return Snapshot(queued: queue.count, busy: busy)
        }
        guard let snapshot else { return false }
        onChange(snapshot)
        return true
    }

    /// Takes a job out of the queue if it has not started, so that it never runs;
    /// false when it has already started (or finished).
    @discardableResult
    func cancel(_ job: Job) -> Bool {
        let snapshot: Snapshot? = condition.withLock {
            guard let index = queue.firstIndex(where: { $0 === job }) else { return nil }
            queue.remove(at: index)
            return Snapshot(queued: queue.count, busy: busy)
        }
        guard let snapshot else { return false }
        onChange(snapshot)
        job.finished()
        return true
    }

    var snapshot: Snapshot {
        condition.withLock { Snapshot(queued: queue.count, busy: busy) }
    }

    var hasRoom: Bool {
        condition.withLock { hasRoomLocked }
    }

    /// Queued jobs beyond the idle workers (each about to take one) are the ones that wait.
    private var hasRoomLocked: Bool {
        queue.count < capacity + (workers - busy)
    }

    /// Lets the workers finish what is queued, then end their threads.
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    private func run() {
        while true {
            let next: (Job, Snapshot)? = condition.withLock {
                while queue.isEmpty && !stopping { condition.wait() }
                guard !queue.isEmpty else { return nil }
                busy += 1
                return (queue.removeFirst(), Snapshot(queued: queue.count, busy: busy))
            }
            guard let (job, started) = next else { return }
            onChange(started)
            job.work()
            job.finished()
            let finished = condition.withLock {
                busy -= 1
                return Snapshot(queued: queue.count, busy: busy)
            }
            onChange(finished)
        }
    }
}
