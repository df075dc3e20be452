import Dispatch

/// A connection's one timer on its queue, kept at the state machine's next deadline.
final class DeadlineTimer {
    private let timer: DispatchSourceTimer
    private var scheduled: ContinuousClock.Instant?
    /// How late this connection's timer fires, fixed per connection: connections that fall due
    /// at the same moment (a crowd of clients that all stall) then time out spread over 100 ms
    /// instead of all at once, between the health checks on the same queue.
    private let lateness = Double.random(in: 0..<0.1)

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

    /// Fires at `instant`, or never when it is nil; re-arms only when the instant changed. The
    /// leeway is 1 ms: with more, Dispatch gathers the timers of many connections that fall due
    /// close together into one burst on the queue (1000 stalled clients timing out held /healthz
    /// back 70-95 ms with 10 ms of leeway, 26-42 ms with 1 ms).
    func schedule(_ instant: ContinuousClock.Instant?) {
        guard instant != scheduled else { return }
        scheduled = instant
        guard let instant else { return timer.schedule(deadline: .distantFuture) }
        timer.schedule(deadline: .now() + (instant - .now).inSeconds + lateness, leeway: .milliseconds(1))
    }

    func cancel() {
        timer.setEventHandler {}
        timer.cancel()
    }
}
