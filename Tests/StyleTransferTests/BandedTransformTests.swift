import Engine
import ImageCodec
@testable import StyleTransfer
import TestSupport
import XCTest

/// SANet's transform in bands of rows, as large content runs it, gives what it gives whole:
/// the merge's halo rows, the coarse attention's upsampled rows and the borders included.
final class BandedTransformTests: XCTestCase {
    func testBandsOfAnyHeightMatchTheWholeTransform() throws {
        let model = try ReferenceFixtures.model("weights-zip")
        guard case let .sanet(encoder, transform, _)? = model.loaded[.sanet] else {
            return XCTFail("the reference weights should load SANet")
        }
        var generator = SeededGenerator(seed: 7)
        func image(height: Int, width: Int) -> Tensor {
            Tensor(channels: 3, height: height, width: width,
                   values: (0..<(3 * height * width)).map { _ in Float.random(in: 0...1, using: &generator) })
        }
        let whole = ComputeContext(threads: 2)
        // relu4_1 is 20 x 16 positions of 512 channels.
        let content = try encoder.features(of: image(height: 160, width: 128), context: whole)
        let style = transform.style(try encoder.features(of: image(height: 64, width: 64), context: whole), context: whole)
        let expected = try transform(content: content, style: style, context: whole)
        let floatsPerRow = content.relu4_1.channels * content.relu4_1.width
        for bandRows in [1, 3, 7, 19] {
            let banded = ComputeContext(threads: 2, layerBudget: 4 * floatsPerRow * bandRows)
            let produced = try transform(content: content, style: style, context: banded)
            XCTAssertEqual(produced.shape, expected.shape)
            let scale = expected.values.map(abs).max() ?? 1
            let worst = zip(produced.values, expected.values).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst / scale, 1e-5, "bands of \(bandRows) rows")
        }
    }
}
