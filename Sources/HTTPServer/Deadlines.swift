/// A deadline a connection waits for; which one passed decides what happens.
enum Deadline: Equatable {
    /// The request head must arrive: 408, or a silent close when nothing was sent.
    case header
    /// A route is reading the body and no byte came: 408.
    case bodyIdle
    /// An idle persistent connection: close silently.
    case keepAlive
    /// The whole request, head and body, must arrive in time from its first byte, however
    /// steadily it trickles in: 408. It runs beside the others rather than instead of them.
    case read
    /// The client does not read the response: close.
    case write
    /// Lingering after a closing response: close.
    case linger
}

/// The deadlines of one connection as instants: the one of the phase it is in, and the read deadline.
///
/// Plain values, so the state machine that sets them can be tested with a fake clock, and the
/// connection needs a single timer, set to ``next``.
struct Deadlines {
    typealias Instant = ContinuousClock.Instant

    private var phase: (deadline: Deadline, at: Instant)?
    private var read: Instant?

    /// The phase deadline pending, if any (never ``Deadline/read``).
    var phaseDeadline: Deadline? { phase?.deadline }

    /// The earliest instant at which a deadline passes.
    var next: Instant? {
        switch (phase?.at, read) {
        case let (phase?, read?): min(phase, read)
        case let (phase, read): phase ?? read
        }
    }

    /// Replaces the phase deadline.
    mutating func setPhase(_ deadline: Deadline, at instant: Instant) {
        phase = (deadline, instant)
    }

    mutating func clearPhase() {
        phase = nil
    }

    /// Starts the read deadline unless it is already running for this request.
    mutating func startRead(at instant: Instant) {
        if read == nil { read = instant }
    }

    mutating func clearRead() {
        read = nil
    }

    /// Removes and returns the deadlines that have passed by `now`, the phase one first.
    mutating func takeExpired(now: Instant) -> [Deadline] {
        var expired: [Deadline] = []
        if let phase, phase.at <= now {
            expired.append(phase.deadline)
            self.phase = nil
        }
        if let read, read <= now {
            expired.append(.read)
            self.read = nil
        }
        return expired
    }
}

extension Duration {
    /// The duration in seconds, as Dispatch and the access log take it.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
