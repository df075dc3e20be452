import Synchronization

/// Lets whoever asked for a pass stop it: a request whose client left or whose deadline passed.
/// The engine looks between layers (and a graph between steps) and stops with
/// `CancellationError`, so a worker is free again within one layer's time.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() {
        flag.store(true, ordering: .relaxed)
    }

    public var isCancelled: Bool {
        flag.load(ordering: .relaxed)
    }
}
