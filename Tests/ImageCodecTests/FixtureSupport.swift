import Foundation
import XCTest
@testable import ImageCodec

/// The files written by Fixtures/make_fixtures.py and the expectations it recorded.
struct Manifest: Decodable {
    struct DecodeCase: Decodable {
        let name, file, expected: String
        let width, height, channels, bits, tolerance: Int
    }
    struct ErrorCase: Decodable {
        let file, error: String
    }
    struct ResizeCase: Decodable {
        let name, source, expected: String
        let width, height: Int
    }
    let decode: [DecodeCase]
    let errors: [ErrorCase]
    let resize: [ResizeCase]
    let orientation: [String]
    let corners: [String: [Int]]
}

enum Fixtures {
    static let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static let manifest: Manifest = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try! JSONDecoder().decode(Manifest.self, from: data)
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func decodeCase(_ name: String) -> Manifest.DecodeCase {
        guard let found = manifest.decode.first(where: { $0.name == name }) else {
            fatalError("no fixture named \(name); rerun make_fixtures.py")
        }
        return found
    }

    /// Converts interleaved 8- or 16-bit samples into the planar float layout of `Image`.
    static func expectedImage(_ file: String, width: Int, height: Int, channels: Int, bits: Int) throws -> Image {
        let raw = try bytes(file)
        let count = width * height
        let maximum: Float = bits == 16 ? 65535 : 255
        func sample(_ index: Int) -> Float {
            bits == 16 ? Float(Int(raw[2 * index]) | Int(raw[2 * index + 1]) << 8) / maximum : Float(raw[index]) / maximum
        }
        var rgb = [Float](repeating: 0, count: 3 * count)
        var alpha: [Float]? = channels == 4 ? [Float](repeating: 0, count: count) : nil
        for pixel in 0..<count {
            for channel in 0..<3 {
                rgb[channel * count + pixel] = sample(pixel * channels + channel)
            }
            if channels == 4 {
                alpha![pixel] = sample(pixel * channels + 3)
            }
        }
        return Image(width: width, height: height, rgb: rgb, alpha: alpha)
    }
}

func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

func meanDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) } / Float(max(a.count, 1))
}

/// Decodes a manifest case and compares every sample within its tolerance (in 1/255 steps).
@discardableResult
func assertDecodesAsExpected(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Image {
    let fixture = Fixtures.decodeCase(name)
    let image = try ImageDecoder().decode(try Fixtures.bytes(fixture.file))
    let expected = try Fixtures.expectedImage(
        fixture.expected, width: fixture.width, height: fixture.height,
        channels: fixture.channels, bits: fixture.bits)
    XCTAssertEqual(image.width, expected.width, "width of \(name)", file: file, line: line)
    XCTAssertEqual(image.height, expected.height, "height of \(name)", file: file, line: line)
    XCTAssertEqual(image.alpha != nil, expected.alpha != nil, "alpha presence of \(name)", file: file, line: line)
    guard image.width == expected.width, image.height == expected.height else { return image }
    let tolerance = Float(fixture.tolerance) / 255 + 1e-6
    let rgbError = maxDifference(image.rgb, expected.rgb)
    XCTAssertLessThanOrEqual(rgbError, tolerance, "rgb of \(name)", file: file, line: line)
    if let alpha = image.alpha, let expectedAlpha = expected.alpha {
        XCTAssertLessThanOrEqual(maxDifference(alpha, expectedAlpha), tolerance, "alpha of \(name)", file: file, line: line)
    }
    return image
}

extension Image {
    /// The RGB value at (x, y).
    func pixel(_ x: Int, _ y: Int) -> [Float] {
        (0..<3).map { rgb[$0 * pixelCount + y * width + x] }
    }
}
