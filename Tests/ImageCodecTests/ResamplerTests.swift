import XCTest
@testable import ImageCodec

/// Compares with Pillow's `Image.resize(size, Image.BICUBIC)` on 8-bit data.
final class ResamplerTests: XCTestCase {
    private func assertMatchesPillow(_ name: String) throws {
        let fixture = Fixtures.manifest.resize.first { $0.name == name }!
        let source = try ImageDecoder().decode(try Fixtures.bytes(fixture.source))
        let expected = try Fixtures.expectedImage(
            fixture.expected, width: fixture.width, height: fixture.height, channels: 4, bits: 8)
        let resized = source.resized(width: fixture.width, height: fixture.height)
        XCTAssertEqual(resized.width, fixture.width)
        XCTAssertEqual(resized.height, fixture.height)
        // Quantise as Pillow's 8-bit output is.
        let quantised = resized.rgb.map { ($0 * 255).rounded() / 255 }
        let rgbError = maxDifference(quantised, expected.rgb)
        let alphaError = maxDifference(resized.alpha!.map { ($0 * 255).rounded() / 255 }, expected.alpha!)
        print("resize \(name): max rgb error \(rgbError * 255)/255, mean \(meanDifference(quantised, expected.rgb) * 255)/255, max alpha error \(alphaError * 255)/255")
        XCTAssertLessThanOrEqual(rgbError, 2 / 255 + 1e-6)
        XCTAssertLessThanOrEqual(alphaError, 2 / 255 + 1e-6)
    }

    func testDownscaleBy2_7MatchesPillow() throws { try assertMatchesPillow("down_2_7") }
    func testDownscaleBy2MatchesPillow() throws { try assertMatchesPillow("down_2") }
    func testUpscaleBy1_5MatchesPillow() throws { try assertMatchesPillow("up_1_5") }

    func testLongerSideKeepsAspectRatio() {
        let landscape = Image(width: 80, height: 54, rgb: [Float](repeating: 0.5, count: 3 * 80 * 54))
        let small = landscape.resized(longerSide: 40)
        XCTAssertEqual([small.width, small.height], [40, 27])
        let large = landscape.resized(longerSide: 100)
        XCTAssertEqual([large.width, large.height], [100, 68])
        let portrait = Image(width: 3, height: 1000, rgb: [Float](repeating: 0.5, count: 3 * 3000))
        let thin = portrait.resized(longerSide: 100)
        XCTAssertEqual([thin.width, thin.height], [1, 100])
    }

    func testLongerSideUnchangedReturnsSameImage() {
        let image = Image(width: 5, height: 7, rgb: (0..<105).map { Float($0) / 105 })
        XCTAssertEqual(image.resized(longerSide: 7), image)
    }

    func testSameSizeIsIdentity() {
        let image = Image(width: 5, height: 7, rgb: (0..<105).map { Float($0 % 10) / 10 })
        XCTAssertEqual(image.resized(width: 5, height: 7), image)
    }

    func testConstantImageStaysConstant() {
        let image = Image(width: 9, height: 6, rgb: [Float](repeating: 0.3, count: 162), alpha: [Float](repeating: 1, count: 54))
        for (width, height) in [(4, 3), (20, 13), (1, 1)] {
            let resized = image.resized(width: width, height: height)
            XCTAssertLessThan(resized.rgb.map { abs($0 - 0.3) }.max()!, 1e-5)
            XCTAssertLessThan(resized.alpha!.map { abs($0 - 1) }.max()!, 1e-5)
        }
    }

    func testDownscalingAveragesInsteadOfSampling() {
        // A one-pixel checkerboard: point sampling would keep full contrast.
        let rgb = (0..<(3 * 64 * 64)).map { index -> Float in
            let pixel = index % (64 * 64)
            return Float((pixel % 64 + pixel / 64) % 2)
        }
        let resized = Image(width: 64, height: 64, rgb: rgb).resized(width: 16, height: 16)
        for value in resized.rgb {
            XCTAssertEqual(value, 0.5, accuracy: 0.02)
        }
    }
}
