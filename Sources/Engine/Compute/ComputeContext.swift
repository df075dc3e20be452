import Dispatch
import Foundation

/// What one pass of a network may use, handed to every operator explicitly (as ggml's
/// `ggml_compute_params` and ncnn's `Option` are): how many threads, how much memory a layer may
/// hold at once, and who may stop it. Nothing in the engine reads process-wide settings instead,
/// so two passes with different contexts can run side by side in one process.
public struct ComputeContext: Sendable {
    /// Threads the pass may keep busy at once, the calling thread included.
    public let threads: Int
    /// Floats one layer of a streamed network may hold of its output at once: a pass whose
    /// layers fit runs whole, a larger one in bands of rows (see `Sequential`).
    public let layerBudget: Int
    /// Stops the pass between layers when cancelled; nil when nobody can.
    public let cancellation: Cancellation?

    public static let defaultLayerBudget = 1 << 25

    public init(threads: Int, layerBudget: Int = defaultLayerBudget, cancellation: Cancellation? = nil) {
        precondition(threads > 0, "thread count must be positive")
        precondition(layerBudget > 0, "layer budget must be positive")
        self.threads = threads
        self.layerBudget = layerBudget
        self.cancellation = cancellation
    }

    /// One thread per core.
    public static var allCores: ComputeContext {
        ComputeContext(threads: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Throws `CancellationError` once the pass has been cancelled.
    public func checkCancellation() throws {
        if isCancelled { throw CancellationError() }
    }

    /// Whether the context's cancellation has been cancelled, for loops that stop early
    /// and leave the throwing to their caller's next ``checkCancellation()``.
    public var isCancelled: Bool {
        cancellation?.isCancelled == true
    }

    /// Calls `body` on contiguous chunks that cover `0..<count`, one chunk per thread at most.
    /// Work below `grain` items a chunk stays on the calling thread, where starting threads
    /// would cost more. Chunks are for work whose result does not depend on how it is split.
    /// Inlinable, so that a loop body written in another module is compiled into its caller.
    @inlinable
    public func forEachChunk(of count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = min(threads, count / max(1, grain))
        guard chunks > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        func chunk(_ chunk: Int) { body((chunk * count / chunks)..<((chunk + 1) * count / chunks)) }
        if !ChunkTeam.shared.run(chunks: chunks, chunk) {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: chunk)
        }
    }

    /// Calls `body` once for every index in `0..<count`, spread over the threads.
    @inlinable
    public func forEach(_ count: Int, grain: Int = 1, _ body: (Int) -> Void) {
        forEachChunk(of: count, grain: grain) { range in
            for i in range { body(i) }
        }
    }
}
