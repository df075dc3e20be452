import CKernels
import Dispatch
import Foundation
import Synchronization

/// Helper threads that run the chunks of `ComputeContext.forEachChunk` and, once a chunk is
/// done, watch for the next call for a while before they sleep. `DispatchQueue.concurrentPerform`
/// wakes a sleeping worker for every call instead: a pass of many short steps (Magenta's
/// transformer makes some 280 such calls at 512 px) then waits on those wake-ups, and two
/// threads ran only 1.6 times as fast as one.
///
/// One team serves the process, one caller at a time: a caller that finds it in use (another
/// stylization's threads, or a chunk that itself asks for chunks) goes to `concurrentPerform`.
@usableFromInline
final class ChunkTeam: @unchecked Sendable {
    @usableFromInline static let shared = ChunkTeam()

    /// How long a helper watches for the next call before it sleeps: longer than the gaps between
    /// the steps of a pass, short enough that an idle process soon stops spinning.
    static let watch = DispatchTimeInterval.microseconds(200)

    private let inUse = Atomic<Bool>(false)
    /// The current call: its number times 256 plus its chunk count; helper h (from 1) runs chunk h
    /// of the calls that have more than h chunks.
    private let call = Atomic<Int>(0)
    /// Helpers' chunks of the current call not finished yet.
    private let unfinished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let wake = NSCondition()
    /// The current call's chunk body: written before `call` announces it, read only by the
    /// helpers it gives a chunk, whom the caller waits for before the next write.
    private nonisolated(unsafe) var body: ((Int) -> Void)?
    /// Helper threads started; only the caller holding `inUse` starts more.
    private nonisolated(unsafe) var helpers = 0

    /// The most chunks one call may have.
    @usableFromInline static let maximumChunks = 255

    /// Runs `body(0)` on the calling thread and `body(1) ... body(chunks - 1)` on helpers, and
    /// returns when all are done; false, having run nothing, when another caller holds the team.
    @usableFromInline
    func run(chunks: Int, _ body: (Int) -> Void) -> Bool {
        precondition(chunks >= 1 && chunks <= Self.maximumChunks, "chunk count out of range")
        guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { inUse.store(false, ordering: .releasing) }
        while helpers < chunks - 1 {
            helpers += 1
            let index = helpers, seen = call.load(ordering: .relaxed) >> 8
            let thread = Thread { [unowned self] in self.serve(index, after: seen) }
            thread.name = "engine-helper-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        withoutActuallyEscaping(body) { body in
            self.body = body
            unfinished.store(chunks - 1, ordering: .sequentiallyConsistent)
            let number = call.load(ordering: .relaxed) >> 8 + 1
            call.store(number << 8 | chunks, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            body(0)
            var spins = 0
            while unfinished.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins % 1024 == 0 { sched_yield() } else { spin_pause() }
            }
            self.body = nil
        }
        return true
    }

    /// Helper `index`'s loop, from the first call numbered after `seen` (the one its caller is
    /// about to make): the team lives as long as the process, and so do its helpers.
    private func serve(_ index: Int, after seen: Int) {
        var seen = seen
        while true {
            let current = next(after: seen)
            seen = current >> 8
            if index < current & 0xFF {
                body!(index)
                unfinished.subtract(1, ordering: .releasing)
            }
        }
    }

    /// The first call numbered after `seen`: watched for `watch`, then slept for.
    private func next(after seen: Int) -> Int {
        let deadline = DispatchTime.now() + Self.watch
        var spins = 0
        while true {
            let current = call.load(ordering: .acquiring)
            if current >> 8 != seen { return current }
            spins += 1
            if spins % 256 == 0, DispatchTime.now() >= deadline { break }
            spin_pause()
        }
        wake.lock()
        defer { wake.unlock() }
        sleepers.add(1, ordering: .sequentiallyConsistent)
        defer { sleepers.subtract(1, ordering: .sequentiallyConsistent) }
        while true {
            let current = call.load(ordering: .sequentiallyConsistent)
            if current >> 8 != seen { return current }
            wake.wait()
        }
    }
}
