import Synchronization

/// Lets whoever asked for a stylization stop it: a request whose client left or whose deadline
/// passed. The engine looks between layers (and Magenta's graph between steps) and stops with
/// ``StylizeError/cancelled``, so a worker is free again within one layer's time.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() {
        flag.store(true, ordering: .relaxed)
    }

    public var isCancelled: Bool {
        flag.load(ordering: .relaxed)
    }

    /// Throws ``StylizeError/cancelled`` once cancelled.
    func check() throws {
        if isCancelled { throw StylizeError.cancelled }
    }
}
