import Engine
import Foundation
import ImageCodec
@testable import sanet
import StyleTransfer
import XCTest

/// A batch's run inside the command: one model and its style cache for every content image, and
/// the bar's line as a terminal shows it.
final class BatchRunTests: XCTestCase {
    private static let reference = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference")

    /// What a batch told its progress, in order.
    private final class RecordedProgress: BatchProgress {
        var events: [String] = []
        func started(_ input: String, position: Int, total: Int) { events.append("start \(position)/\(total)") }
        func finished(_ input: String, position: Int, total: Int, outcome: BatchOutcome) {
            events.append("\(outcome.needsAttention ? "fail" : "done") \(position)/\(total)")
        }
        func end() { events.append("end") }
    }

    private func file(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.reference.appendingPathComponent("inputs/\(name)")))
    }

    func testEachStyleIsEncodedOnceForAllTheContentImages() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("batch-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let contents = ["content_seaport_128x96.png", "content_chicago_75x50.png", "style_wave_97x61.png"]
        for name in contents {
            try Data(try file(name)).write(to: folder.appendingPathComponent(name))
        }
        let model = try StyleTransferModel(weightsDirectory: Self.reference.appendingPathComponent("generated/weights-legacy"),
                                           methods: [.adain])
        // A cache too small for one style: the batch must make room for every style itself.
        model.styleCache.capacityBytes = 1
        let options = StylizeOptions(method: .adain, contentSize: 0, styleSize: 0)
        let styles = try model.decodedStyles([try file("style_udnie_80x64.png"), try file("style_composition_vii_96x96.png")],
                                             options: options, decoder: ImageDecoder())
        let plan = try BatchPlan(contents: [folder.path], outputDirectory: folder.appendingPathComponent("out").path,
                                 format: .png, overwrite: false)
        try FileManager.default.createDirectory(atPath: plan.outputDirectory, withIntermediateDirectories: true)
        let progress = RecordedProgress()
        let failures = BatchRun(model: model, styles: styles, maskFiles: [], options: options, encoding: ImageEncoding(.png),
                                context: ComputeContext(threads: 1)).run(plan, progress: progress)
        XCTAssertEqual(failures, [])
        let statistics = model.styleCache.statistics
        XCTAssertEqual(statistics.misses, 2, "each of the 2 styles is encoded for the first content image only")
        XCTAssertEqual(statistics.hits, 4, "and served from the cache for the 2 others")
        XCTAssertEqual(progress.events, ["start 1/3", "done 1/3", "start 2/3", "done 2/3", "start 3/3", "done 3/3", "end"])
    }

    func testTheBarFitsTheTerminalByShorteningTheNameFromItsStart() {
        let name = "holiday/" + String(repeating: "long-name-", count: 8) + "end.jpg"
        let line = ProgressBar.render(done: 1, position: 2, total: 4, input: name, elapsed: .seconds(75), columns: 60)
        XCTAssertEqual(line.count, 59, "one column is left free, so the terminal never wraps the line")
        XCTAssertTrue(line.hasPrefix("[#####...............] 2/4 1:15 …"), line)
        XCTAssertTrue(line.hasSuffix("name-end.jpg"), line)
        let short = ProgressBar.render(done: 4, position: 4, total: 4, input: "a.png", elapsed: .seconds(3723), columns: 80)
        XCTAssertEqual(short, "[####################] 4/4 1:02:03 a.png")
    }
}
