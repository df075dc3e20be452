import Foundation
import ImageCodec
@testable import SANet
import XCTest

/// The Magenta method against onnxruntime running the same two ONNX files at their export
/// shapes (Tests/Reference/make_magenta_fixtures.py): style vectors, and whole stylizations
/// from our own vectors.
final class MagentaGoldenTests: XCTestCase {
    struct Manifest: Decodable {
        struct Vector: Decodable { let image: String; let vector: [Float] }
        struct Stylized: Decodable { let content: String; let style: String; let expected: String }
        let vectors: [Vector]
        let images: [Stylized]
    }

    private func load() throws -> (MagentaModel, Manifest) {
        let folder = ReferenceFixtures.generated.appendingPathComponent("magenta")
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("manifest.json").path) else {
            throw MissingFixtures(description: "no Magenta fixtures in \(folder.path): run scripts/test.sh, "
                + "which fetches the ONNX files and runs onnxruntime")
        }
        let model = try MagentaModel(weightsDirectory: ReferenceFixtures.generated.appendingPathComponent("magenta-weights"))
        return (model, try JSONDecoder().decode(Manifest.self, from: data))
    }

    func testStyleVectorsMatchOnnxruntime() throws {
        let (model, manifest) = try load()
        XCTAssertGreaterThanOrEqual(manifest.vectors.count, 3)
        for expected in manifest.vectors {
            let vector = try model.styleVector(of: try ReferenceFixtures.image(expected.image))
            XCTAssertEqual(vector.count, 100)
            let error = zip(vector, expected.vector).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let norm = expected.vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            XCTAssertLessThanOrEqual(error / norm, 1e-3, "\(expected.image): relative error \(error / norm)")
        }
    }

    func testStylizedImagesMatchOnnxruntime() throws {
        let (model, manifest) = try load()
        XCTAssertGreaterThanOrEqual(manifest.images.count, 3)
        for testCase in manifest.images {
            let vector = try model.styleVector(of: try ReferenceFixtures.image(testCase.style))
            let output = try model.stylize(content: try ReferenceFixtures.image(testCase.content), styleVector: vector)
            let produced = try ImageDecoder().decode(try PNGEncoder.encode(output))
            let expected = try ReferenceFixtures.image(testCase.expected)
            XCTAssertEqual([produced.width, produced.height], [expected.width, expected.height])
            let differences = zip(produced.rgb, expected.rgb).map { abs(Int(($0 * 255).rounded()) - Int(($1 * 255).rounded())) }
            let worst = differences.max() ?? 0
            let mean = Double(differences.reduce(0, +)) / Double(differences.count)
            XCTAssertLessThanOrEqual(worst, 3, "\(testCase.expected): largest difference \(worst)/255, mean \(mean)/255")
            XCTAssertLessThanOrEqual(mean, 0.5, "\(testCase.expected): mean difference \(mean)/255")
        }
    }

    func testAnyContentSizeWorks() throws {
        let (model, manifest) = try load()
        let content = try ReferenceFixtures.image("inputs/content_chicago_75x50.png")
        let output = try model.stylize(content: content, styleVector: manifest.vectors[0].vector)
        XCTAssertEqual([output.width, output.height], [75, 50])
    }

    func testAFileThatIsNotONNXIsReported() throws {
        XCTAssertThrowsError(try ONNXModel(bytes: Array("<html>404</html>".utf8))) { error in
            XCTAssertTrue(error is ONNXError, "\(error)")
        }
    }
}

/// Fixtures the test command generates are absent: a failure, never a skip, so that CI cannot pass without them.
struct MissingFixtures: Error, CustomStringConvertible {
    let description: String
}
