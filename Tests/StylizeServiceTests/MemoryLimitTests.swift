import Foundation
import Glibc
@testable import StylizeService
import TestSupport
import XCTest

/// The limits on what a request may make the service hold: text fields, the memory one
/// stylization may need, the budget all requests share, and a worker given back when its
/// client leaves.
final class MemoryLimitTests: XCTestCase {
    private let content = ServiceHarness.input("content_seaport_128x96.png")
    private let style = ServiceHarness.input("style_udnie_80x64.png")

    func testAHugeTextFieldIsRefusedWithoutBeingEchoed() throws {
        let harness = try ServiceHarness()
        let value = FileManager.default.temporaryDirectory.appendingPathComponent("method-\(UUID().uuidString)")
        try Data(repeating: UInt8(ascii: "x"), count: 2_000_000).write(to: value)
        defer { try? FileManager.default.removeItem(at: value) }
        let response = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)",
                                                        "-F", "method=<\(value.path)"])
        XCTAssertEqual(response.status, 413, response.text)
        XCTAssertLessThan(response.body.count, 512)
        XCTAssertTrue(response.text.contains("'method'"), response.text)

        let control = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)",
                                                       "-F", "method=" + String(repeating: "\u{01}", count: 900)])
        XCTAssertEqual(control.status, 422, control.text)
        XCTAssertLessThan(control.body.count, 512, "escaped control bytes must not multiply the response")
    }

    func testAStylizationThatWouldNeedTooMuchMemoryIs413BeforeDecoding() throws {
        let harness = try ServiceHarness { $0.maxRequestMemory = 64 << 20 }
        let small = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)",
                                                     "-F", "content_size=0", "-F", "style_size=0"])
        XCTAssertEqual(small.status, 200, small.text)
        let large = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)",
                                                     "-F", "content_size=1024"])
        XCTAssertEqual(large.status, 413, large.text)
        XCTAssertTrue(large.text.contains("64 MiB"), large.text)
        XCTAssertEqual(harness.service.memory.reservedBytes, 0, "nothing stays reserved once answered")
    }

    func testTheLargestSideIsAskableAndAnEstimateOverTheDefaultBudgetIs413WithIt() throws {
        let harness = try ServiceHarness()
        let beyond = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)",
                                                      "-F", "content_size=4097"])
        XCTAssertEqual(beyond.status, 422, beyond.text)
        XCTAssertTrue(beyond.text.contains("from 32 to 4096"), beyond.text)
        // A 4096 px style beside a 4096 px content is more than the default budget holds.
        let huge = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)",
                                                    "-F", "content_size=4096", "-F", "style_size=4096"])
        XCTAssertEqual(huge.status, 413, huge.text)
        XCTAssertTrue(huge.text.contains("would take") && huge.text.contains("1664 MiB"), huge.text)
        XCTAssertEqual(harness.service.memory.reservedBytes, 0)
    }

    func testUploadsInProgressShareTheBudgetAndGiveItBackWhenTheClientLeaves() throws {
        let harness = try ServiceHarness {
            $0.http.maxBodyBytes = 64 << 20
            $0.memoryBudget = 64 << 20
            $0.maxRequestMemory = 64 << 20
        }
        // One client declares a 64 MB body, sends all but its last byte and stalls.
        let hog = try RawClient(port: harness.port)
        let head = "POST /v1/stylize HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            + "Content-Length: \(64 << 20)\r\n\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"content\"; filename=\"c\"\r\n\r\n"
        hog.send(Array(head.utf8))
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<63 { hog.send(chunk) }
        hog.send(Array(chunk.dropFirst(200)))
        let deadline = Date().addingTimeInterval(10)
        while harness.service.memory.reservedBytes < (64 << 20) - 1000, Date() < deadline { usleep(10_000) }

        let refused = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)"])
        XCTAssertEqual(refused.status, 503, refused.text)
        XCTAssertNotNil(refused.headers["retry-after"].flatMap(Int.init))
        XCTAssertTrue(refused.text.contains("memory"), refused.text)
        XCTAssertEqual(try harness.curl("/healthz").status, 200)

        hog.abort()
        while harness.service.memory.reservedBytes > 0, Date() < deadline { usleep(10_000) }
        XCTAssertEqual(harness.service.memory.reservedBytes, 0, "a client that leaves gives its upload's share back")
        let served = try harness.curl("/v1/stylize", ["-F", "content=@\(content)", "-F", "style=@\(style)",
                                                      "-F", "content_size=0", "-F", "style_size=0"])
        XCTAssertEqual(served.status, 200, served.text)
    }

    func testAWorkerIsFreedSoonAfterItsClientLeaves() throws {
        let harness = try ServiceHarness { $0.workers = 1 }
        let started = Date()
        let abandoned = try harness.curl("/v1/stylize", ["--max-time", "1.5", "-F", "content=@\(content)",
                                                         "-F", "style=@\(style)", "-F", "content_size=2048"])
        XCTAssertEqual(abandoned.status, 0, "curl should have given up")
        let deadline = Date().addingTimeInterval(10)
        while harness.service.pool.snapshot.busy > 0, Date() < deadline { usleep(20_000) }
        XCTAssertEqual(harness.service.pool.snapshot.busy, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "the 2048 px stylization must stop, not run to its end")
        XCTAssertEqual(harness.service.memory.reservedBytes, 0)
    }
}
