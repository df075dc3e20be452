@testable import Engine
import Foundation
import Synchronization
import XCTest

/// `forEachChunk` on the shared helper team: every index exactly once, whether the helpers are
/// watching or asleep, from several callers at once (all but one fall back to Dispatch), and from
/// inside a chunk.
final class ChunkTeamTests: XCTestCase {
    /// Runs `body` on a thread of its own and fails if it has not returned within a minute: a
    /// call that waits forever for a helper fails the test instead of hanging the suite.
    private func finishes(_ what: String, _ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        Thread {
            body()
            done.signal()
        }.start()
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "\(what) did not finish")
    }

    /// Runs `forEachChunk` and returns how many times each index was visited.
    private static func visits(count: Int, threads: Int, nested: Bool = false) -> [Int] {
        let counts = Mutex([Int](repeating: 0, count: count))
        let context = ComputeContext(threads: threads)
        context.forEachChunk(of: count) { range in
            for index in range {
                if nested {
                    context.forEachChunk(of: 3) { inner in
                        for _ in inner { counts.withLock { $0[index] += 1 } }
                    }
                } else {
                    counts.withLock { $0[index] += 1 }
                }
            }
        }
        return counts.withLock { $0 }
    }

    func testEveryIndexOnceForAnyCountAndThreadCount() {
        finishes("the calls") {
            for threads in [2, 3, 5] {
                for count in [1, 2, 3, 7, 100, 1000] {
                    for _ in 0..<50 {
                        XCTAssertEqual(Self.visits(count: count, threads: threads), [Int](repeating: 1, count: count),
                                       "\(count) indices on \(threads) threads")
                    }
                }
            }
        }
    }

    /// Pauses shorter and longer than the helpers' watch, so that calls find them watching,
    /// going to sleep, and asleep.
    func testCallsAfterPausesFindTheHelpers() {
        finishes("the calls") {
            for pause in [0, 50, 150, 250, 400, 2000, 0, 5000, 10] {
                usleep(UInt32(pause))
                XCTAssertEqual(Self.visits(count: 64, threads: 2), [Int](repeating: 1, count: 64), "after \(pause) µs")
            }
        }
    }

    /// The first chunk to start waits for the second, which must then run on another thread.
    func testChunksRunOnMoreThanOneThread() {
        let threadsSeen = Mutex<[UInt]>([]), second = DispatchSemaphore(value: 0)
        finishes("the call") {
            ComputeContext(threads: 2).forEachChunk(of: 2) { _ in
                let order = threadsSeen.withLock { seen in
                    seen.append(UInt(pthread_self()))
                    return seen.count
                }
                if order == 1 {
                    XCTAssertEqual(second.wait(timeout: .now() + 30), .success, "no other thread took the second chunk")
                } else {
                    second.signal()
                }
            }
        }
        XCTAssertEqual(Set(threadsSeen.withLock { $0 }).count, 2)
    }

    func testChunksThatAskForChunks() {
        finishes("the call") {
            XCTAssertEqual(Self.visits(count: 40, threads: 2, nested: true), [Int](repeating: 3, count: 40))
        }
    }

    func testSeveralCallersAtOnce() {
        let failures = Atomic<Int>(0)
        let done = DispatchGroup()
        for caller in 0..<4 {
            done.enter()
            Thread {
                for round in 0..<300 {
                    let count = 1 + (caller * 37 + round * 11) % 97
                    if Self.visits(count: count, threads: 2 + caller % 2) != [Int](repeating: 1, count: count) {
                        failures.add(1, ordering: .relaxed)
                    }
                }
                done.leave()
            }.start()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 120), .success, "callers did not finish")
        XCTAssertEqual(failures.load(ordering: .relaxed), 0)
    }
}
