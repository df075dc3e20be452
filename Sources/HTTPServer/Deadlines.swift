import Dispatch
import Foundation

/// The one deadline a connection waits for at a time; which one decides what happens when it passes.
enum Deadline: Equatable {
    /// The request head must arrive: 408, or a silent close when nothing was sent.
    case header
    /// A route is reading the body and no byte came: 408.
    case bodyIdle
    /// An idle persistent connection: close silently.
    case keepAlive
    /// The whole request, head and body, must arrive in time from its first byte, however
    /// steadily it trickles in: 408.
    case read
    /// The client does not read the response: close.
    case write
    /// Lingering after a closing response: close.
    case linger
}

/// A one-shot timer on the connection's queue that is re-armed as the connection changes phase.
final class DeadlineTimer {
    private let timer: DispatchSourceTimer
    private(set) var pending: Deadline?

    init(queue: DispatchQueue, onExpiry: @escaping (Deadline) -> Void) {
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [unowned self] in
            guard let expired = pending else { return }
            pending = nil
            onExpiry(expired)
        }
        timer.schedule(deadline: .distantFuture)
        timer.resume()
    }

    func set(_ deadline: Deadline, after seconds: TimeInterval) {
        pending = deadline
        timer.schedule(deadline: .now() + seconds, leeway: .milliseconds(10))
    }

    func clear() {
        pending = nil
        timer.schedule(deadline: .distantFuture)
    }

    func cancel() {
        pending = nil
        timer.setEventHandler {}
        timer.cancel()
    }
}
