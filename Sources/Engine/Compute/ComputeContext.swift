import Dispatch
import Foundation
import Synchronization

/// The loops that are not matrix products (transforms, pooling, softmax, normalisation) share
/// the cores between them; the thread count follows `BLASConfiguration.setThreads`.
enum Parallel {
    private static let threads = Atomic<Int>(ProcessInfo.processInfo.activeProcessorCount)

    static var threadCount: Int {
        get { threads.load(ordering: .relaxed) }
        set { threads.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Calls `body` on contiguous chunks that cover `0..<count`, one chunk per thread.
    /// Work below `grain` items stays on the calling thread, where starting threads would cost more.
    static func forEachChunk(of count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = min(threadCount, count / max(1, grain))
        guard chunks > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body((chunk * count / chunks)..<((chunk + 1) * count / chunks))
        }
    }

    /// Calls `body` once for every index in `0..<count`, spread over the threads.
    static func forEach(_ count: Int, grain: Int = 1, _ body: (Int) -> Void) {
        forEachChunk(of: count, grain: grain) { range in
            for i in range { body(i) }
        }
    }
}
