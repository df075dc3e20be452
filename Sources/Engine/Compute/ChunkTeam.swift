import CKernels
import Dispatch
import Foundation
import Synchronization

/// Helper threads that run the chunks of `ComputeContext.forEachChunk` and, once a call is
/// done, watch for the next one for a while before they sleep. `DispatchQueue.concurrentPerform`
/// wakes a sleeping worker for every call instead: a pass of many short steps (Magenta's
/// transformer makes some 280 such calls at 512 px) then waits on those wake-ups.
///
/// Chunks are claimed, not assigned: the caller and the helpers take the next unclaimed chunk
/// until none is left, so a helper that is late (asleep, or its core lent to another process)
/// delays nothing; the caller then runs the chunks itself. One team serves the process, one
/// caller at a time: a caller that finds it in use (another stylization's threads, or a chunk that
/// itself asks for chunks) goes to `concurrentPerform`.
@usableFromInline
final class ChunkTeam: @unchecked Sendable {
    @usableFromInline static let shared = ChunkTeam()

    /// How long a helper watches for the next call before it sleeps: longer than the gaps between
    /// the steps of a pass, short enough that an idle process soon stops spinning.
    static let watch = DispatchTimeInterval.microseconds(200)

    /// The most chunks one call may have: its word holds the count in 8 bits.
    static let maximumChunks = 255

    private let inUse = Atomic<Bool>(false)
    /// The current call as one word, so that a claim is made on the call it was meant for: the
    /// call's number, its chunk count and its next unclaimed chunk, 8 bits each for the last two.
    private let call = Atomic<Int>(0)
    /// Chunks of the current call finished.
    private let finished = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let wake = NSCondition()
    /// The current call's chunk body: written before `call` announces the call, read only after
    /// a chunk of it has been claimed, which the caller waits to see finished before the next write.
    private nonisolated(unsafe) var body: ((Int) -> Void)?
    /// Helper threads started; only the caller holding `inUse` starts more.
    private nonisolated(unsafe) var helpers = 0

    private static func number(_ word: Int) -> Int { word >> 16 }
    private static func chunks(_ word: Int) -> Int { word >> 8 & 0xFF }
    private static func next(_ word: Int) -> Int { word & 0xFF }

    /// Runs `body(0) ... body(chunks - 1)` on the calling thread and the helpers, and returns when
    /// all are done; false, having run nothing, when another caller holds the team or there are
    /// more than `maximumChunks` chunks.
    @usableFromInline
    func run(chunks: Int, _ body: (Int) -> Void) -> Bool {
        precondition(chunks >= 1, "a call has at least one chunk")
        guard chunks <= Self.maximumChunks,
              inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { inUse.store(false, ordering: .releasing) }
        let number = Self.number(call.load(ordering: .relaxed)) + 1
        while helpers < chunks - 1 {
            helpers += 1
            let thread = Thread { [unowned self] in self.serve(after: number - 1) }
            thread.name = "engine-helper-\(helpers)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        withoutActuallyEscaping(body) { body in
            self.body = body
            finished.store(0, ordering: .sequentiallyConsistent)
            call.store(number << 16 | chunks << 8, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            runChunks(of: number)
            var spins = 0
            while finished.load(ordering: .acquiring) < chunks {
                spins += 1
                if spins % 1024 == 0 { sched_yield() } else { spin_pause() }
            }
            self.body = nil
        }
        return true
    }

    /// Claims and runs chunks of call `number` until none is left (or a later call has begun).
    private func runChunks(of number: Int) {
        var word = call.load(ordering: .acquiring)
        while Self.number(word) == number, Self.next(word) < Self.chunks(word) {
            let (claimed, original) = call.compareExchange(expected: word, desired: word + 1,
                                                           ordering: .acquiringAndReleasing)
            guard claimed else {
                word = original
                continue
            }
            body!(Self.next(word))
            finished.add(1, ordering: .releasing)
            word = call.load(ordering: .acquiring)
        }
    }

    /// A helper's loop, from the first call numbered after `seen` (the one that started it, about
    /// to be announced): the team lives as long as the process, and so do its helpers.
    private func serve(after seen: Int) {
        var seen = seen
        while true {
            seen = nextCall(after: seen)
            runChunks(of: seen)
        }
    }

    /// The number of the first call after call `seen`: watched for `watch`, then slept for.
    private func nextCall(after seen: Int) -> Int {
        let deadline = DispatchTime.now() + Self.watch
        var spins = 0
        while true {
            let number = Self.number(call.load(ordering: .acquiring))
            if number != seen { return number }
            spins += 1
            if spins % 256 == 0, DispatchTime.now() >= deadline { break }
            spin_pause()
        }
        wake.lock()
        defer { wake.unlock() }
        sleepers.add(1, ordering: .sequentiallyConsistent)
        defer { sleepers.subtract(1, ordering: .sequentiallyConsistent) }
        while true {
            let number = Self.number(call.load(ordering: .sequentiallyConsistent))
            if number != seen { return number }
            wake.wait()
        }
    }
}
