import Engine
import ImageCodec
@testable import StyleTransfer
import TestSupport
import XCTest

/// A service answers the same request with the same bytes whichever worker, with however many
/// threads, runs it; and a pass keeps busy as many threads as it was given, no more, for every
/// method.
final class ThreadCountTests: XCTestCase {
    private static let magentaWeights = ReferenceFixtures.generated.appendingPathComponent("magenta-weights")

    private func stylizer(_ method: StyleTransfer.Method) throws -> (ComputeContext) throws -> [Float] {
        let model = method == .magenta
            ? try StyleTransferModel(weightsDirectory: Self.magentaWeights, methods: [.magenta])
            : try ReferenceFixtures.model("weights-zip")
        let content = try ReferenceFixtures.image("inputs/content_golden_gate_256x256.png")
        let style = try ReferenceFixtures.image("inputs/style_udnie_256x256.png")
        let options = StylizeOptions(method: method, contentSize: 0, styleSize: 0)
        return { context in
            model.styleCache.removeAll()
            return try model.stylize(content: content, styles: [style], options: options, context: context).rgb
        }
    }

    func testOutputIsTheSameOnAnyNumberOfThreads() throws {
        for method in StyleTransfer.Method.allCases {
            let stylize = try stylizer(method)
            let outputs = try [1, 2, 3].map { try stylize(ComputeContext(threads: $0)) }
            for (threads, output) in zip([2, 3], outputs.dropFirst()) {
                let differing = zip(outputs[0], output).filter { $0 != $1 }.count
                XCTAssertEqual(differing, 0, "\(method): values that differ between 1 and \(threads) threads")
            }
        }
    }

    /// One thread given: the process's processor time cannot exceed the pass's wall time (with a
    /// little for the test's own threads). Two given: threads besides the busiest do a third of
    /// the work at least (half, when the two share it evenly).
    func testAPassUsesTheThreadsItIsGivenAndNoMore() throws {
        for method in StyleTransfer.Method.allCases {
            let stylize = try stylizer(method)
            _ = try stylize(ComputeContext(threads: 2))
            let single = try ThreadUse.measure { _ = try stylize(ComputeContext(threads: 1)) }
            XCTAssertLessThanOrEqual(single.totalSeconds, single.wallSeconds * 1.1 + 0.05,
                                     "\(method) with 1 thread: \(single.secondsByThread.values.sorted()) s of processor "
                                     + "time in \(single.wallSeconds) s")
            guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { continue }
            let two = try ThreadUse.measure { _ = try stylize(ComputeContext(threads: 2)) }
            XCTAssertGreaterThanOrEqual(two.shareOffTheBusiestThread, 1.0 / 3,
                                        "\(method) with 2 threads: \(two.secondsByThread.values.sorted()) s per thread")
        }
    }
}
