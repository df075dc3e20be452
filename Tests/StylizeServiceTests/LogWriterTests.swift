import Foundation
import Glibc
import XCTest
@testable import StylizeService

/// The log never makes its callers wait: lines are written by a thread of their own, and when
/// the output stalls they are dropped and counted instead.
final class LogWriterTests: XCTestCase {
    func testLinesAreValidJSONWithTheirFieldsEscaped() throws {
        let line = JSONLine.record(level: "info", label: "sanet", message: "quote \" slash \\ tab \t bell \u{07}",
                                   fields: [("target", "/x?\n"), ("status", "200")])
        XCTAssertEqual(line.last, UInt8(ascii: "\n"))
        XCTAssertEqual(line.filter { $0 == UInt8(ascii: "\n") }.count, 1, "one record, one line")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line)) as? [String: String])
        XCTAssertEqual(object["message"], "quote \" slash \\ tab \t bell \u{07}")
        XCTAssertEqual(object["target"], "/x?\n")
        XCTAssertEqual(object["level"], "info")
        let time = try XCTUnwrap(object["time"])
        XCTAssertNotNil(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression), time)
    }

    func testAStalledOutputDropsAndCountsLinesWithoutBlockingTheCaller() throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        defer { close(ends[0]) }
        let writer = LogWriter(fileDescriptor: ends[1], capacityBytes: 4096)
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 99) + [UInt8(ascii: "\n")]
        // Nobody reads the pipe: once its buffer (64 KiB) and the writer's 4 KiB are full, lines are dropped.
        let started = Date()
        for _ in 0..<5000 { writer.write(line) }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "writing must not wait for the stalled pipe")
        XCTAssertGreaterThan(writer.droppedLines, 0)

        // Reading unblocks the writer, which then reports how many lines it dropped.
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let flags = fcntl(ends[0], F_GETFL)
        _ = fcntl(ends[0], F_SETFL, flags | O_NONBLOCK)
        let expected = #""dropped_total":"\#(writer.droppedLines)""#
        let deadline = Date(timeIntervalSinceNow: 5)
        while Date() < deadline, !String(decoding: output, as: UTF8.self).contains(expected) {
            let count = read(ends[0], &buffer, buffer.count)
            if count > 0 { output += buffer[0..<count] } else { usleep(10_000) }
        }
        let text = String(decoding: output, as: UTF8.self)
        XCTAssertTrue(text.contains(expected), String(text.suffix(300)))
        close(ends[1])
    }
}
