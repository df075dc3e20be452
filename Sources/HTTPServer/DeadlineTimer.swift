import Dispatch

/// A connection's one timer on its queue, kept at the state machine's next deadline.
final class DeadlineTimer {
    private let timer: DispatchSourceTimer
    private var scheduled: ContinuousClock.Instant?

    init(queue: DispatchQueue, onFire: @escaping () -> Void) {
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [unowned self] in
            // A fired timer is spent: the next `schedule` arms it again, for the same instant too.
            scheduled = nil
            onFire()
        }
        timer.schedule(deadline: .distantFuture)
        timer.resume()
    }

    /// Fires at `instant`, or never when it is nil; re-arms only when the instant changed.
    func schedule(_ instant: ContinuousClock.Instant?) {
        guard instant != scheduled else { return }
        scheduled = instant
        guard let instant else { return timer.schedule(deadline: .distantFuture) }
        timer.schedule(deadline: .now() + (instant - .now).inSeconds, leeway: .milliseconds(10))
    }

    func cancel() {
        timer.setEventHandler {}
        timer.cancel()
    }
}
