import ImageCodec
@testable import SANet
import XCTest

/// A service answers the same request with the same bytes whichever worker, with however many
/// threads, runs it.
final class ThreadCountTests: XCTestCase {
    func testOutputIsTheSameOnAnyNumberOfThreads() throws {
        let model = try ReferenceFixtures.model("weights-zip")
        let content = try ReferenceFixtures.image("inputs/content_golden_gate_256x256.png")
        let style = try ReferenceFixtures.image("inputs/style_udnie_256x256.png")
        let options = StylizeOptions(method: .sanet, alpha: 1, styleWeights: [1], preserveColor: false,
                                     contentSize: 0, styleSize: 0)
        let threads = Parallel.threadCount
        defer { BLASConfiguration.setThreads(threads) }
        let outputs = try [1, 2, 3].map { count -> [Float] in
            BLASConfiguration.setThreads(count)
            return try model.stylize(content: content, styles: [style], options: options).rgb
        }
        for (threads, output) in zip([2, 3], outputs.dropFirst()) {
            let differing = zip(outputs[0], output).filter { $0 != $1 }.count
            XCTAssertEqual(differing, 0, "values that differ between 1 and \(threads) threads")
        }
    }
}
