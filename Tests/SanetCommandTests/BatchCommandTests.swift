import Foundation
import ImageCodec
import TestSupport
import XCTest

/// `sanet stylize` with several content images or a folder: one result per image in
/// --output-dir, a line per image on standard error, and a bad file reported without
/// stopping the others.
final class BatchCommandTests: XCTestCase {
    private static let reference = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference")
    private static let weights = reference.appendingPathComponent("generated/weights-legacy").path
    private static let style = reference.appendingPathComponent("inputs/style_udnie_80x64.png").path
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// `arguments` after the weights, the style and a quick method, from inside the test's folder,
    /// so that paths and messages are short and relative.
    private func stylize(_ arguments: [String]) throws -> ProcessRun {
        try ProcessRun.run(URL(fileURLWithPath: "/usr/bin/env"),
                           ["-C", folder.path, ProcessRun.sanet.path, "stylize", "--weights", Self.weights,
                            "--method", "adain", "--style", Self.style, "--content-size", "0"] + arguments)
    }

    /// Copies a reference input into the test's folder as `name`, re-encoded as JPEG for a .jpg name.
    @discardableResult
    private func place(_ reference: String, as name: String) throws -> URL {
        let destination = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        let source = Self.reference.appendingPathComponent("inputs/\(reference)")
        if destination.pathExtension == "jpg" {
            let image = try ImageDecoder().decode([UInt8](try Data(contentsOf: source)))
            try Data(try JPEGEncoder.encode(image, quality: 95)).write(to: destination)
        } else {
            try FileManager.default.copyItem(at: source, to: destination)
        }
        return destination
    }

    private func write(_ text: String, as name: String) throws {
        let destination = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: destination)
    }

    private func contents(of name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(name).path).sorted()
    }

    private func decoded(_ name: String) throws -> PillowImage {
        try PillowImage(decoding: [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
    }

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }

    func testAFolderAndAFileGiveOneResultEachNamedAfterTheirInputs() throws {
        try place("content_seaport_128x96.png", as: "photos/seaport.png")
        try place("content_chicago_75x50.png", as: "photos/chicago.jpg")
        try place("content_chicago_75x50.png", as: "photos/.hidden.png")
        try place("content_chicago_75x50.png", as: "photos/inner/nested.png")
        try write("not a photo", as: "photos/notes.txt")
        try place("style_wave_97x61.png", as: "wave.png")
        let run = try stylize(["--content", "photos", "--content", "wave.png", "--content", "./photos/seaport.png",
                               "--output-dir", "results/webp", "--format", "webp"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try contents(of: "results/webp"), ["chicago.webp", "seaport.webp", "wave.webp"])
        for (name, size) in [("chicago", [75, 50]), ("seaport", [128, 96]), ("wave", [97, 61])] {
            let image = try decoded("results/webp/\(name).webp")
            XCTAssertEqual(image.format, "WEBP", name)
            XCTAssertEqual([image.width, image.height], size, name)
        }
        let progress = lines(run.stderr).filter { $0.hasPrefix("[") }
        XCTAssertEqual(progress.count, 3, run.stderr)
        for (line, expected) in zip(progress, ["[1/3] photos/chicago.jpg -> results/webp/chicago.webp ",
                                               "[2/3] photos/seaport.png -> results/webp/seaport.webp ",
                                               "[3/3] wave.png -> results/webp/wave.webp "]) {
            XCTAssertTrue(line.hasPrefix(expected), "\(line) should start with \(expected)")
            XCTAssertNotNil(line.range(of: #" \d+\.\d s$"#, options: .regularExpression), line)
        }
        XCTAssertFalse(run.stderr.contains("\r"), "a pipe gets lines, not a redrawn bar: \(run.stderr)")
        XCTAssertTrue(run.stderr.contains("3 content images written to results/webp"), run.stderr)
    }

    func testBadFilesAreNamedWithTheirReasonAndTheOthersAreWritten() throws {
        try place("content_seaport_128x96.png", as: "good.png")
        try write("not an image", as: "notes.jpg")
        let png = try Data(contentsOf: Self.reference.appendingPathComponent("inputs/content_chicago_75x50.png"))
        try png.prefix(png.count / 2).write(to: folder.appendingPathComponent("truncated.png"))
        let run = try stylize(["--content", "notes.jpg", "--content", "missing.png", "--content", "good.png",
                               "--content", "truncated.png", "--output-dir", "out"])
        XCTAssertNotEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try contents(of: "out"), ["good.png"])
        let good = try decoded("out/good.png")
        XCTAssertEqual([good.format, "\(good.width)x\(good.height)"], ["PNG", "128x96"])
        let stderr = lines(run.stderr)
        XCTAssertTrue(stderr.contains { $0.hasPrefix("[1/4] notes.jpg failed: The file is not a PNG or JPEG image") }, run.stderr)
        XCTAssertTrue(stderr.contains { $0.hasPrefix("[2/4] missing.png failed: cannot read it") }, run.stderr)
        XCTAssertTrue(stderr.contains { $0.hasPrefix("[3/4] good.png -> out/good.png ") }, run.stderr)
        XCTAssertTrue(stderr.contains { $0.hasPrefix("[4/4] truncated.png failed: The PNG image could not be decoded") },
                      run.stderr)
        let summary = Array(try XCTUnwrap(stderr.split(whereSeparator: { $0.hasPrefix("Error:") }).last))
        XCTAssertTrue(run.stderr.contains("Error: 3 of 4 content images failed (1 written to out):"), run.stderr)
        XCTAssertEqual(summary.map { $0.split(separator: ":")[0] }, ["  notes.jpg", "  missing.png", "  truncated.png"],
                       run.stderr)
    }

    func testAMaskAppliesToEveryContentOfItsShapeAndFailsTheOthers() throws {
        try place("content_seaport_128x96.png", as: "wide.png")
        try place("content_golden_gate_64x64.png", as: "square.png")
        let mask = Self.reference.appendingPathComponent("generated/masks/left_128x96.png").path
        let run = try stylize(["--content", "wide.png", "--content", "square.png", "--mask", mask, "--output-dir", "out"])
        XCTAssertNotEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try contents(of: "out"), ["wide.png"])
        XCTAssertTrue(run.stderr.contains("[2/2] square.png failed: mask 1 is 128x96 and the content 64x64"), run.stderr)
        let refused = try stylize(["--content", "wide.png", "--mask", mask, "--mask", mask, "--output-dir", "out2"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("give one --mask per --style"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out2").path))
    }

    func testAJPEGBatchSaysWhichResultsLostTheirTransparency() throws {
        var image = try ImageDecoder().decode([UInt8](try Data(contentsOf: Self.reference
            .appendingPathComponent("inputs/content_chicago_75x50.png"))))
        image.alpha = [Float](repeating: 0.5, count: image.pixelCount)
        try Data(try PNGEncoder.encode(image)).write(to: folder.appendingPathComponent("transparent.png"))
        try place("content_seaport_128x96.png", as: "opaque.png")
        let run = try stylize(["--content", "opaque.png", "--content", "transparent.png", "--output-dir", "out",
                               "--format", "jpg"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let progress = lines(run.stderr).filter { $0.hasPrefix("[") }
        XCTAssertEqual(progress.map { $0.contains("transparency is shown on white") }, [false, true], run.stderr)
        let flattened = try decoded("out/transparent.jpg")
        XCTAssertEqual([flattened.format, "\(flattened.hasAlpha)"], ["JPEG", "false"])
    }

    func testAResultInABatchHasTheSameBytesAsTheSingleFileForm() throws {
        try place("content_seaport_128x96.png", as: "seaport.png")
        let single = try stylize(["--content", "seaport.png", "--output", "single.png"])
        XCTAssertEqual(single.status, 0, single.stderr)
        let batch = try stylize(["--content", "seaport.png", "--output-dir", "batch"])
        XCTAssertEqual(batch.status, 0, batch.stderr)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("batch/seaport.png")),
                       try Data(contentsOf: folder.appendingPathComponent("single.png")))
    }

    func testOutputsThatWouldLoseAResultAndBadStylesAreRefusedBeforeAnyWork() throws {
        try place("content_seaport_128x96.png", as: "photos/a.png")
        try place("content_chicago_75x50.png", as: "photos/a.jpg")
        try place("content_chicago_75x50.png", as: "b.png")
        try write("not a photo", as: "texts/readme.txt")
        let cases: [(arguments: [String], mention: String)] = [
            (["--content", "b.png"], "give --output FILE for one content image, or --output-dir FOLDER"),
            (["--content", "b.png", "--output", "b-out.png", "--output-dir", "out"], "not both"),
            (["--content", "b.png", "--content", "photos/a.png", "--output", "out.png"],
             "--output names one file, but --content is given 2 times; give --output-dir"),
            (["--content", "photos", "--output", "out.png"], "photos is a folder; give --output-dir"),
            (["--content", "b.png", "--output", "out.png", "--format", "webp"], "--format is for --output-dir"),
            (["--content", "photos", "--output-dir", "out"],
             "photos/a.jpg and photos/a.png would both be written to out/a.png"),
            (["--content", "b.png", "--output-dir", "."], "the result of b.png would replace the content image ./b.png"),
            (["--content", "texts", "--output-dir", "out"], "the folder texts holds no .png, .jpg or .jpeg files"),
            (["--content", "b.png", "--output-dir", "b.png"], "--output-dir b.png is a file"),
            (["--content", "b.png", "--output-dir", "out", "--format", "gif"], "--format"),
            (["--content", "b.png", "--output-dir", "out", "--style", "texts/readme.txt"],
             "texts/readme.txt: The file is not a PNG or JPEG image"),
        ]
        for (arguments, mention) in cases {
            let run = try stylize(arguments)
            XCTAssertNotEqual(run.status, 0, "\(arguments) should fail")
            XCTAssertTrue(run.stderr.contains(mention), "\(arguments): stderr should mention \(mention): \(run.stderr)")
        }
        XCTAssertEqual(try contents(of: "."), ["b.png", "photos", "texts"], "a refused batch wrote something")
    }

    func testAnEarlierResultIsKeptUnlessOverwriteIsGiven() throws {
        try place("content_seaport_128x96.png", as: "seaport.png")
        try place("content_chicago_75x50.png", as: "chicago.png")
        try write("earlier result", as: "out/seaport.png")
        let arguments = ["--content", "chicago.png", "--content", "seaport.png", "--output-dir", "out"]
        let refused = try stylize(arguments)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("out/seaport.png already exists; pass --overwrite to replace it"), refused.stderr)
        XCTAssertEqual(try contents(of: "out"), ["seaport.png"], "a refused batch wrote chicago.png")
        XCTAssertEqual(String(decoding: try Data(contentsOf: folder.appendingPathComponent("out/seaport.png")), as: UTF8.self),
                       "earlier result")
        let replaced = try stylize(arguments + ["--overwrite"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        let seaport = try decoded("out/seaport.png")
        XCTAssertEqual([seaport.width, seaport.height], [128, 96])
        XCTAssertEqual(try contents(of: "out"), ["chicago.png", "seaport.png"])
    }

    /// Through `script`, which gives the command a pseudo-terminal: the bar is redrawn in place
    /// on one line, and only failures get a line of their own.
    func testOnATerminalABarIsRedrawnInPlace() throws {
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else {
            throw XCTSkip("needs util-linux's script for a pseudo-terminal")
        }
        try place("content_seaport_128x96.png", as: "photos/1-seaport.png")
        try write("not an image", as: "photos/2-notes.png")
        try place("content_chicago_75x50.png", as: "photos/3-chicago.png")
        let command = ["/usr/bin/env", "-C", folder.path, ProcessRun.sanet.path, "stylize", "--weights", Self.weights,
                       "--method", "adain", "--style", Self.style, "--content-size", "0", "--content", "photos",
                       "--output-dir", "out"]
        let run = try ProcessRun.run(script, ["-qec", command.map(Self.shellQuoted).joined(separator: " "), "/dev/null"])
        XCTAssertNotEqual(run.status, 0, run.stdout)
        let terminal = run.stdout
        for position in 1...3 {
            XCTAssertTrue(terminal.contains("\r\u{1B}[K["), terminal)
            XCTAssertNotNil(terminal.range(of: #"\] \#(position)/3 \d+:\d\d photos/"#, options: .regularExpression),
                            "no bar for image \(position): \(terminal.debugDescription)")
        }
        XCTAssertTrue(terminal.contains("\r\u{1B}[K[2/3] photos/2-notes.png failed: "), terminal.debugDescription)
        XCTAssertFalse(terminal.contains("[1/3] photos/1-seaport.png ->"), "a success gets no line of its own")
        XCTAssertTrue(terminal.contains("1 of 3 content images failed (2 written to out)"), terminal)
        XCTAssertEqual(try contents(of: "out"), ["1-seaport.png", "3-chicago.png"])
    }

    private static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
