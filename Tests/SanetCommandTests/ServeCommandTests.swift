import Foundation
import TestSupport
import XCTest

/// `sanet serve` as an operator runs it: the same bytes as `sanet stylize`, and a clean drain on SIGTERM.
final class ServeCommandTests: XCTestCase {
    private static let reference = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference")
    private static let weights = reference.appendingPathComponent("generated/weights-zip").path

    private var server: Process!
    private var port = 0

    override func setUpWithError() throws {
        port = try Self.freePort()
        server = Process()
        server.executableURL = ProcessRun.sanet
        server.arguments = ["serve", "--weights", Self.weights, "--host", "127.0.0.1", "--port", String(port)]
        server.standardError = FileHandle.nullDevice
        try server.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", url("/readyz")]) != "200" {
            usleep(100_000)
        }
    }

    override func tearDown() {
        if server.isRunning { server.terminate() }
        server.waitUntilExit()
    }

    private func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    private func input(_ name: String) -> String { Self.reference.appendingPathComponent("inputs/\(name)").path }

    @discardableResult
    private func curl(_ arguments: [String]) throws -> String {
        try ProcessRun.curl(arguments).stdout
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    func testTheServiceAnswersWithTheBytesStylizeWrites() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let content = input("content_chicago_75x50.png"), style = input("style_wave_97x61.png")
        // The form's format and quality against the output's extension and --quality.
        for (format, quality) in [("png", 90), ("jpeg", 90), ("webp", 60)] {
            let served = directory.appendingPathComponent("served.\(format)"), written = directory.appendingPathComponent("written.\(format)")
            let status = try curl(["-s", "-o", served.path, "-w", "%{http_code}", "-F", "content=@\(content)",
                                   "-F", "style=@\(style)", "-F", "alpha=0.8", "-F", "content_size=64",
                                   "-F", "format=\(format)", "-F", "quality=\(quality)", url("/v1/stylize")])
            XCTAssertEqual(status, "200", format)
            let stylize = try ProcessRun.run(ProcessRun.sanet, ["stylize", "--weights", Self.weights, "--content", content,
                                                                "--style", style, "--alpha", "0.8", "--content-size", "64",
                                                                "--quality", String(quality), "--output", written.path])
            XCTAssertEqual(stylize.status, 0, stylize.stderr)
            XCTAssertEqual(try Data(contentsOf: served), try Data(contentsOf: written), format)
        }
    }

    func testSIGTERMFinishesTheRequestInFlightThenExitsZero() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("inflight-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: output) }
        let request = Process()
        request.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        request.arguments = ["-s", "-o", output.path, "-w", "%{http_code}",
                             "-F", "content=@\(input("content_golden_gate_256x256.png"))",
                             "-F", "style=@\(input("style_udnie_256x256.png"))", "-F", "content_size=0", url("/v1/stylize")]
        let out = Pipe()
        request.standardOutput = out
        try request.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !(try curl(["-s", url("/metrics")]).contains("sanet_workers_busy 1")) {
            usleep(50_000)
        }
        server.terminate()
        let status = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        request.waitUntilExit()
        server.waitUntilExit()
        XCTAssertEqual(status, "200", "the request in flight must be answered")
        XCTAssertEqual(server.terminationReason, .exit)
        XCTAssertEqual(server.terminationStatus, 0)
        XCTAssertNotEqual(try curl(["-s", "-o", "/dev/null", "-w", "%{http_code}", url("/healthz")]), "200",
                          "nothing listens after the drain")
    }
}
