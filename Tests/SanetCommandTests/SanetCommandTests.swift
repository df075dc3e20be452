import Foundation
import ImageCodec
import TestSupport
import XCTest

/// The `sanet` executable as users and scripts call it.
final class SanetCommandTests: XCTestCase {
    private static let reference = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference")
    private static let weights = reference.appendingPathComponent("generated/weights-legacy").path
    private var output: URL!

    override func setUp() {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("sanet-\(UUID().uuidString).png")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: output)
    }

    private func sanet(_ arguments: [String]) throws -> ProcessRun {
        try ProcessRun.run(ProcessRun.sanet, arguments)
    }

    private func input(_ name: String) -> String {
        Self.reference.appendingPathComponent(name).path
    }

    private func image(at path: String) throws -> Image {
        try ImageDecoder().decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    private func assertMatches(_ path: String, expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let produced = try image(at: path), reference = try image(at: input(expected))
        XCTAssertEqual(produced.width, reference.width, file: file, line: line)
        XCTAssertEqual(produced.height, reference.height, file: file, line: line)
        let worst = zip(produced.rgb, reference.rgb).map { abs($0 - $1) * 255 }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, 2.001, "largest difference \(worst)/255", file: file, line: line)
    }

    func testStylizeWithTwoWeightedStylesMatchesPyTorch() throws {
        let run = try sanet(["stylize", "--weights", Self.weights,
                             "--content", input("inputs/content_seaport_128x96.png"),
                             "--style", input("inputs/style_composition_vii_96x96.png"),
                             "--style", input("inputs/style_udnie_80x64.png"),
                             "--style-weights", "1,3", "--content-size", "0", "--style-size", "0",
                             "--threads", "1", "--output", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        try assertMatches(output.path, expected: "generated/expected/sanet_two_styles_128x96.png")
    }

    func testMasksPlaceTwoStylesAsPyTorchDoes() throws {
        let run = try sanet(["stylize", "--weights", Self.weights, "--method", "adain",
                             "--content", input("inputs/content_seaport_128x96.png"),
                             "--style", input("inputs/style_composition_vii_96x96.png"),
                             "--mask", input("generated/masks/left_128x96.png"),
                             "--style", input("inputs/style_wreck_80x56.png"),
                             "--mask", input("generated/masks/right_64x48.png"),
                             "--style-weights", "2,1", "--content-size", "0", "--style-size", "0", "--output", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        try assertMatches(output.path, expected: "generated/expected/adain_masks_weights_128x96.png")
        let mismatched = try sanet(["stylize", "--weights", Self.weights, "--method", "adain",
                                    "--content", input("inputs/content_seaport_128x96.png"),
                                    "--style", input("inputs/style_wreck_80x56.png"),
                                    "--mask", input("inputs/style_wreck_80x56.png"), "--content-size", "0",
                                    "--output", output.path])
        XCTAssertNotEqual(mismatched.status, 0)
        XCTAssertTrue(mismatched.stderr.contains("style_wreck_80x56.png: mask 1 is 80x56 and the content 128x96"),
                      mismatched.stderr)
    }

    func testAdaINWithAlphaMatchesPyTorch() throws {
        let run = try sanet(["stylize", "--weights", Self.weights, "--method", "adain", "--alpha", "0.6",
                             "--content", input("inputs/content_chicago_75x50.png"),
                             "--style", input("inputs/style_wave_97x61.png"),
                             "--content-size", "0", "--style-size", "0", "--output", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        try assertMatches(output.path, expected: "generated/expected/adain_alpha_0.6_75x50.png")
    }

    func testContentSizeSetsTheOutputsLongerSide() throws {
        let run = try sanet(["stylize", "--weights", Self.weights, "--method", "adain",
                             "--content", input("inputs/content_seaport_128x96.png"),
                             "--style", input("inputs/style_udnie_80x64.png"),
                             "--content-size", "64", "--output", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let produced = try image(at: output.path)
        XCTAssertEqual([produced.width, produced.height], [64, 48])
    }

    func testTheOutputsExtensionPicksTheFormat() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("formats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, format) in [("out.png", "PNG"), ("out.jpg", "JPEG"), ("out.JPEG", "JPEG"), ("out.webp", "WEBP")] {
            let path = directory.appendingPathComponent(name).path
            let run = try sanet(["stylize", "--weights", Self.weights, "--method", "adain",
                                 "--content", input("inputs/content_seaport_128x96.png"),
                                 "--style", input("inputs/style_udnie_80x64.png"), "--content-size", "64", "--output", path])
            XCTAssertEqual(run.status, 0, run.stderr)
            let decoded = try PillowImage(decoding: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            XCTAssertEqual(decoded.format, format, name)
            XCTAssertEqual([decoded.width, decoded.height], [64, 48], name)
        }
    }

    func testAJPEGOfATransparentContentSaysItIsFlattened() throws {
        var content = try image(at: input("inputs/content_chicago_75x50.png"))
        content.alpha = [Float](repeating: 0.5, count: content.pixelCount)
        let transparent = FileManager.default.temporaryDirectory.appendingPathComponent("alpha-\(UUID().uuidString).png")
        try Data(try PNGEncoder.encode(content)).write(to: transparent)
        let jpeg = FileManager.default.temporaryDirectory.appendingPathComponent("flattened-\(UUID().uuidString).jpg")
        defer { [transparent, jpeg].forEach { try? FileManager.default.removeItem(at: $0) } }
        let run = try sanet(["stylize", "--weights", Self.weights, "--method", "adain", "--content", transparent.path,
                             "--style", input("inputs/style_wave_97x61.png"), "--content-size", "0", "--output", jpeg.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("shows it on white"), run.stderr)
        XCTAssertFalse(try PillowImage(decoding: [UInt8](try Data(contentsOf: jpeg))).hasAlpha)
    }

    func testBenchPrintsTheMemoryEstimateAndTheMedianLast() throws {
        let run = try sanet(["bench", "--weights", Self.weights, "--size", "48", "--style-size", "40", "--reps", "2",
                             "--warmup", "2", "--threads", "2"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.split(separator: "\n").filter { $0.hasPrefix("rep=") }.count, 2, run.stdout)
        // The service's charge for these images: both as floats, SANet's fixed 48 MiB and 520 bytes a pixel
        // of the content, and three fifths of that for the style.
        let images = 3 * 4 * (48 * 48 + 40 * 40), engine = (48 << 20) + 520 * 48 * 48 + 520 * 40 * 40 * 3 / 5
        XCTAssertTrue(run.stdout.contains("\nmemory_estimate_bytes=\(images + engine)\n"), run.stdout)
        let last = try XCTUnwrap(run.stdout.split(separator: "\n").last)
        XCTAssertTrue(last.hasPrefix("median_s="), run.stdout)
        XCTAssertNotNil(Double(last.dropFirst("median_s=".count)), run.stdout)
    }

    func testSANET_ISALimitsTheEngineAndOpenBLASToAVX2() throws {
        let bench = ["bench", "--weights", Self.weights, "--method", "adain", "--size", "32", "--reps", "1"]
        func run(_ limit: String) throws -> ProcessRun {
            try ProcessRun.run(URL(fileURLWithPath: "/usr/bin/env"), ["SANET_ISA=\(limit)", ProcessRun.sanet.path] + bench)
        }
        let limited = try run("avx2")
        XCTAssertEqual(limited.status, 0, limited.stderr)
        XCTAssertEqual(limited.stdout.split(separator: "\n").first, "kernels=avx2 openblas=haswell", limited.stdout)
        let unknown = try run("sse4")
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("SANET_ISA must be avx2 or avx512, got 'sse4'"), unknown.stderr)
        let full = try run("avx512")
        if full.status == 0 {
            XCTAssertTrue(full.stdout.hasPrefix("kernels=avx512 "), full.stdout)
        } else {
            XCTAssertTrue(full.stderr.contains("this processor has no AVX-512"), full.stderr)
        }
    }

    func testWithOnlyMagentasFilesStylizeUsesMagentaAndSaysSo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("magenta-only-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in ["arbitrary_predict.onnx", "arbitrary_transform.onnx"] {
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(file),
                                                       withDestinationURL: Self.reference.appendingPathComponent("generated/magenta-weights/\(file)"))
        }
        let run = try sanet(["stylize", "--weights", folder.path, "--content", input("inputs/content_seaport_128x96.png"),
                             "--style", input("inputs/style_wave_97x61.png"), "--content-size", "0", "--output", output.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("SANet's checkpoints are not in \(folder.path); using --method magenta"), run.stderr)
        let produced = try image(at: output.path)
        XCTAssertEqual([produced.width, produced.height], [128, 96])
    }

    func testErrorsGoToStandardErrorWithAFailureStatus() throws {
        let content = input("inputs/content_seaport_128x96.png")
        let style = input("inputs/style_udnie_80x64.png")
        let garbage = FileManager.default.temporaryDirectory.appendingPathComponent("sanet-\(UUID().uuidString).jpg")
        try Data("not an image".utf8).write(to: garbage)
        defer { try? FileManager.default.removeItem(at: garbage) }
        let cases: [(weights: String, arguments: [String], mention: String)] = [
            (Self.weights, ["--content", "/nonexistent/photo.jpg", "--style", style], "/nonexistent/photo.jpg"),
            (Self.weights, ["--content", garbage.path, "--style", style], garbage.path),
            (Self.weights, ["--content", content, "--style", style, "--alpha", "2"], "alpha"),
            (Self.weights, ["--content", content, "--style", style, "--style-weights", "1,x"], "--style-weights"),
            (Self.weights, ["--content", content, "--style", style, "--style-weights", "1,2"], "one weight per style"),
            (Self.weights, ["--content", content, "--style", style, "--content-size", "20"], "at least 32 pixels"),
            (Self.weights, ["--content", content, "--style", style, "--quality", "0"], "--quality must be from 1 to 100"),
            ("/nonexistent", ["--content", content, "--style", style], "vgg_normalised.pth"),
        ]
        for name in ["out.gif", "out"] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sanet-\(UUID().uuidString)-\(name)").path
            let run = try sanet(["stylize", "--weights", Self.weights, "--content", content, "--style", style, "--output", path])
            XCTAssertNotEqual(run.status, 0, "\(name) should fail")
            XCTAssertTrue(run.stderr.contains("--output must end in .png, .jpg, .jpeg, .webp"), "\(name): \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(name) was written")
        }
        for (weights, arguments, mention) in cases {
            let full = ["stylize", "--weights", weights, "--output", output.path] + arguments
            let run = try sanet(full)
            XCTAssertNotEqual(run.status, 0, "\(arguments) should fail")
            XCTAssertTrue(run.stderr.contains(mention), "\(arguments): stderr should mention \(mention): \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "\(arguments) wrote an output")
        }
    }
}
