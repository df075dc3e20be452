import Engine
import ImageCodec
@testable import StyleTransfer
import XCTest

/// The style cache: a repeated style is served from it with the same result, and it stays within its capacity.
final class StyleCacheTests: XCTestCase {
    func testRepeatedStyleHitsAndGivesTheSameImage() throws {
        let testCase = try XCTUnwrap(try ReferenceFixtures.cases().first { $0.method == "sanet" && $0.styles.count == 1 })
        let model = try ReferenceFixtures.model(testCase.weights)
        let content = try ReferenceFixtures.image(testCase.content)
        let style = try ReferenceFixtures.image(testCase.styles[0])
        let options = StylizeOptions(contentSize: 0, styleSize: 0)
        model.styleCache.removeAll()
        let before = model.styleCache.statistics
        let first = try model.stylize(content: content, styles: [style], options: options, context: .allCores)
        let second = try model.stylize(content: content, styles: [style], options: options, context: .allCores)
        let after = model.styleCache.statistics
        XCTAssertEqual(after.misses - before.misses, 1)
        XCTAssertEqual(after.hits - before.hits, 1)
        XCTAssertEqual(after.entries, 1)
        XCTAssertEqual(first, second)
    }

    func testLeastRecentlyUsedStyleLeavesFirst() {
        let cache = StyleCache(capacityBytes: 2 * Self.entryBytes + 1)
        let keys = (0..<3).map(Self.style)
        var encodings = 0
        func fetch(_ style: Image) {
            _ = cache.style(of: style, method: .adain) {
                encodings += 1
                return Self.channelStatistics
            }
        }
        fetch(keys[0])
        fetch(keys[1])
        fetch(keys[0])
        fetch(keys[2])
        XCTAssertEqual(cache.statistics.entries, 2, "two entries fit, a third evicts one")
        fetch(keys[0])
        XCTAssertEqual(encodings, 3, "keys[0] was used last before keys[2] came, so keys[1] left")
        fetch(keys[1])
        XCTAssertEqual(encodings, 4)
        let statistics = cache.statistics
        XCTAssertEqual(statistics.hits, 2)
        XCTAssertEqual(statistics.misses, 4)
        XCTAssertLessThanOrEqual(statistics.bytes, statistics.capacityBytes)
        cache.capacityBytes = 0
        XCTAssertEqual(cache.statistics.entries, 0)
        XCTAssertEqual(cache.statistics.bytes, 0)
    }

    private static let channelStatistics = ChannelStatistics(of: Tensor(channels: 2, height: 1, width: 2, values: [0, 1, 2, 3]),
                                                      context: .allCores)

    /// An entry's bytes with its key's pixels: two floats of mean, two of std, 2x2x3 pixels.
    private static let entryBytes = 4 * (4 + 12)

    private static func style(_ index: Int) -> Image {
        Image(width: 2, height: 2, rgb: [Float](repeating: Float(index), count: 12))
    }
}
