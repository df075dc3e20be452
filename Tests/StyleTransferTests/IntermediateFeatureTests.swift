import Engine
import ImageCodec
@testable import StyleTransfer
import XCTest

/// Layer by layer against PyTorch, so that a mismatch points at the stage that causes it.
final class IntermediateFeatureTests: XCTestCase {
    func testEncoderTransformAndDecoderMatchPyTorch() throws {
        let testCase = try XCTUnwrap(try ReferenceFixtures.cases().first { $0.features != nil },
                                     "the reference should dump the features of one case")
        let features = try XCTUnwrap(testCase.features)
        let model = try ReferenceFixtures.model(testCase.weights)
        guard case let .sanet(encoder, transform, decoder)? = model.loaded[.sanet] else {
            return XCTFail("the reference weights should load SANet")
        }
        let context = ComputeContext(threads: 2)

        let content = try encoder.features(of: Tensor(try ReferenceFixtures.image(testCase.content)), context: context)
        let style = try encoder.features(of: Tensor(try ReferenceFixtures.image(testCase.styles[0])), context: context)
        let transformed = try transform(content: content, style: transform.style(style, context: context), context: context)
        let decoded = try decoder(transformed, context: context)

        let produced: [(String, Tensor)] = [
            ("content_relu4_1", content.relu4_1), ("content_relu5_1", content.relu5_1),
            ("style_relu4_1", style.relu4_1), ("style_relu5_1", style.relu5_1),
            ("transform", transformed), ("decoder_output", decoded),
        ]
        for (name, tensor) in produced {
            let feature = try XCTUnwrap(features[name], "no reference for \(name)")
            XCTAssertEqual(Array(feature.shape.dropFirst()), tensor.shape, name)
            let expected = try ReferenceFixtures.values(of: feature)
            let scale = expected.map(abs).max() ?? 1
            let worst = zip(tensor.values, expected).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst / scale, 1e-4, "\(name): largest difference \(worst), scale \(scale)")
        }
    }
}
