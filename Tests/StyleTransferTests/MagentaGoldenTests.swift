import Engine
import Foundation
import ImageCodec
import ONNX
@testable import StyleTransfer
import XCTest

/// The Magenta method against onnxruntime running the same two ONNX files at their export
/// shapes (Tests/Reference/make_magenta_fixtures.py): style vectors, whole stylizations from
/// our own vectors, alpha with several weighted styles, and masks.
final class MagentaGoldenTests: XCTestCase {
    struct Manifest: Decodable {
        struct Vector: Decodable { let image: String; let vector: [Float] }
        struct Stylized: Decodable { let content: String; let style: String; let expected: String }
        struct Blend: Decodable {
            let content: String, styles: [String], styleWeights: [Float], alpha: Float, masks: [String]?, expected: String
            enum CodingKeys: String, CodingKey { case content, styles, styleWeights = "style_weights", alpha, masks, expected }
        }
        let vectors: [Vector]
        let images: [Stylized]
        let blends: [Blend]
        let masked: [Blend]
    }

    private static let weights = ReferenceFixtures.generated.appendingPathComponent("magenta-weights")

    private func load() throws -> (MagentaModel, Manifest) {
        let folder = ReferenceFixtures.generated.appendingPathComponent("magenta")
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("manifest.json").path) else {
            throw MissingFixtures(description: "no Magenta fixtures in \(folder.path): run scripts/test.sh, "
                + "which fetches the ONNX files and runs onnxruntime")
        }
        let model = try MagentaModel(weightsDirectory: Self.weights)
        return (model, try JSONDecoder().decode(Manifest.self, from: data))
    }

    func testStyleVectorsMatchOnnxruntime() throws {
        let (model, manifest) = try load()
        XCTAssertGreaterThanOrEqual(manifest.vectors.count, 3)
        for expected in manifest.vectors {
            let vector = try model.styleVector(of: try ReferenceFixtures.image(expected.image), context: .allCores)
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
            let vector = try model.styleVector(of: try ReferenceFixtures.image(testCase.style), context: .allCores)
            let output = try model.stylize(content: try ReferenceFixtures.image(testCase.content), styleVector: vector, context: .allCores)
            try assertAgrees(output, with: testCase.expected)
        }
    }

    func testAlphaAndWeightedStylesMatchOnnxruntime() throws {
        let (_, manifest) = try load()
        try assertAgree(manifest.blends)
    }

    func testMasksMatchOnnxruntimeResultsBlendedPixelByPixel() throws {
        let (_, manifest) = try load()
        XCTAssertTrue(manifest.masked.allSatisfy { $0.masks != nil })
        try assertAgree(manifest.masked)
    }

    private func assertAgree(_ blends: [Manifest.Blend], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(blends.contains { $0.styles.count > 1 } && blends.contains { $0.alpha < 1 }, file: file, line: line)
        let model = try StyleTransferModel(weightsDirectory: Self.weights, methods: [.magenta])
        for blend in blends {
            let options = StylizeOptions(method: .magenta, alpha: blend.alpha, styleWeights: blend.styleWeights,
                                         contentSize: 0, styleSize: 0)
            let output = try model.stylize(content: try ReferenceFixtures.image(blend.content),
                                           styles: try blend.styles.map(ReferenceFixtures.image),
                                           masks: try blend.masks?.map { StyleMask(try ReferenceFixtures.image($0)) },
                                           options: options, context: .allCores)
            try assertAgrees(output, with: blend.expected, file: file, line: line)
        }
    }

    func testColourPreservationRecoloursEachStyleFirst() throws {
        let model = try StyleTransferModel(weightsDirectory: Self.weights, methods: [.magenta])
        let content = try ReferenceFixtures.image("inputs/content_seaport_128x96.png")
        let style = try ReferenceFixtures.image("inputs/style_wave_97x61.png")
        func stylized(_ style: Image, preserveColor: Bool) throws -> [Float] {
            let options = StylizeOptions(method: .magenta, preserveColor: preserveColor, contentSize: 0, styleSize: 0)
            return try model.stylize(content: content, styles: [style], options: options, context: .allCores).rgb
        }
        let preserved = try stylized(style, preserveColor: true)
        XCTAssertEqual(preserved, try stylized(ColorPreservation.recolor(style, toMatch: content), preserveColor: false))
        XCTAssertNotEqual(preserved, try stylized(style, preserveColor: false))
    }

    /// Within 3/255 per channel and 0.5/255 on average, after both are written as 8-bit PNG.
    private func assertAgrees(_ output: Image, with expectedPath: String, file: StaticString = #filePath,
                              line: UInt = #line) throws {
        let produced = try ImageDecoder().decode(try PNGEncoder.encode(output))
        let expected = try ReferenceFixtures.image(expectedPath)
        XCTAssertEqual([produced.width, produced.height], [expected.width, expected.height], file: file, line: line)
        let differences = zip(produced.rgb, expected.rgb).map { abs(Int(($0 * 255).rounded()) - Int(($1 * 255).rounded())) }
        let worst = differences.max() ?? 0
        let mean = Double(differences.reduce(0, +)) / Double(differences.count)
        XCTAssertLessThanOrEqual(worst, 3, "\(expectedPath): largest difference \(worst)/255, mean \(mean)/255", file: file, line: line)
        XCTAssertLessThanOrEqual(mean, 0.5, "\(expectedPath): mean difference \(mean)/255", file: file, line: line)
    }

    func testAnyContentSizeWorks() throws {
        let (model, manifest) = try load()
        let content = try ReferenceFixtures.image("inputs/content_chicago_75x50.png")
        let output = try model.stylize(content: content, styleVector: manifest.vectors[0].vector, context: .allCores)
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
