import XCTest
@testable import ImageCodec

final class PNGEncoderTests: XCTestCase {
    /// torchvision's save_image: mul(255), add(0.5), clamp(0, 255), truncate to uint8.
    private func reference(_ value: Float) -> UInt8 {
        let scaled = value * 255
        let shifted = scaled + 0.5
        return UInt8(min(max(shifted, 0), 255).rounded(.down))
    }

    private func gradient(width: Int, height: Int) -> [Float] {
        (0..<(3 * width * height)).map { Float($0 % 256) / 255 }
    }

    func testEightBitValuesRoundTripExactly() throws {
        let image = Image(width: 16, height: 48, rgb: gradient(width: 16, height: 48))
        let decoded = try ImageDecoder().decode(try PNGEncoder.encode(image))
        XCTAssertEqual(decoded, image)
    }

    func testAlphaRoundTrips() throws {
        let alpha = (0..<(16 * 16)).map { Float(255 - $0 % 256) / 255 }
        let image = Image(width: 16, height: 16, rgb: gradient(width: 16, height: 16), alpha: alpha)
        let encoded = try PNGEncoder.encode(image)
        XCTAssertEqual(encoded[25], 6, "colour type should be RGBA")
        XCTAssertEqual(try ImageDecoder().decode(encoded), image)
    }

    func testWritesEightBitRGB() throws {
        let encoded = try PNGEncoder.encode(Image(width: 3, height: 2, rgb: [Float](repeating: 0.5, count: 18)))
        XCTAssertEqual(Array(encoded[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertEqual(encoded[24], 8, "bit depth")
        XCTAssertEqual(encoded[25], 2, "colour type should be RGB")
    }

    func testQuantisationMatchesSaveImage() throws {
        var values: [Float] = [0, 1, -0.25, 1.75, .infinity, -.infinity, 0.5, 0.25, 0.75]
        for step in 0...255 {
            for offset: Float in [-0.5001, -0.5, -0.4999, 0, 0.4999, 0.5, 0.5001] {
                values.append((Float(step) + offset) / 255)
                let boundary = (Float(step) + 0.5) / 255
                values.append(boundary.nextDown)
                values.append(boundary.nextUp)
            }
        }
        let count = values.count
        let image = Image(width: count, height: 1, rgb: values + values.reversed() + values)
        let decoded = try ImageDecoder().decode(try PNGEncoder.encode(image))
        for (index, value) in values.enumerated() {
            XCTAssertEqual(decoded.rgb[index], Float(reference(value)) / 255, "value \(value)")
            XCTAssertEqual(decoded.rgb[2 * count + index], Float(reference(value)) / 255, "value \(value)")
        }
    }

    func testHalfStepRoundsUp() throws {
        let image = Image(width: 4, height: 1, rgb: [0.49 / 255, 0.51 / 255, 254.49 / 255, 254.51 / 255] + [Float](repeating: 0, count: 8))
        let decoded = try ImageDecoder().decode(try PNGEncoder.encode(image))
        XCTAssertEqual(Array(decoded.rgb[0..<4]), [0, 1, 254, 255].map { Float($0) / 255 })
    }

    func testNaNBecomesBlack() throws {
        let image = Image(width: 1, height: 1, rgb: [.nan, 0, 1])
        let decoded = try ImageDecoder().decode(try PNGEncoder.encode(image))
        XCTAssertEqual(decoded.rgb, [0, 0, 1])
    }
}
