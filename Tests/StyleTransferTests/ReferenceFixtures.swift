import Engine
import Foundation
import ImageCodec
import StyleTransfer
import XCTest

/// The PyTorch reference's outputs (Tests/Reference/make_fixtures.py): seeded checkpoints in
/// both PyTorch formats, input images, and the images PyTorch made from them.
enum ReferenceFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference")
    static let generated = root.appendingPathComponent("generated")

    struct Case: Decodable {
        let name: String
        let method: String
        let weights: String
        let content: String
        let styles: [String]
        let style_weights: [Float]
        let alpha: Float
        let preserve_color: Bool
        /// One mask file per style, for spatial control; nil for none.
        let masks: [String]?
        let expected: String
        let features: [String: Feature]?
    }

    /// An intermediate tensor PyTorch computed for a case, as raw little-endian float32.
    struct Feature: Decodable {
        let file: String
        let shape: [Int]
    }

    static func values(of feature: Feature) throws -> [Float] {
        let data = try Data(contentsOf: root.appendingPathComponent(feature.file))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    static func cases() throws -> [Case] {
        let manifest = generated.appendingPathComponent("cases.json")
        guard let data = FileManager.default.contents(atPath: manifest.path) else {
            XCTFail("\(manifest.path) is missing: run scripts/test.sh, which generates it with PyTorch")
            return []
        }
        return try JSONDecoder().decode([Case].self, from: data)
    }

    static func weights(_ name: String) -> URL {
        generated.appendingPathComponent(name)
    }

    static func image(_ relativePath: String) throws -> Image {
        let data = try Data(contentsOf: root.appendingPathComponent(relativePath))
        return try ImageDecoder().decode([UInt8](data))
    }

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var models: [String: StyleTransferModel] = [:]

    /// SANet and AdaIN from one folder of seeded checkpoints, loaded once for all tests.
    static func model(_ weights: String) throws -> StyleTransferModel {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let model = models[weights] { return model }
        let model = try StyleTransferModel(weightsDirectory: Self.weights(weights), methods: [.sanet, .adain])
        models[weights] = model
        return model
    }
}
