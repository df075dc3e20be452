import Foundation
import HTTPServer
import Logging
@testable import StylizeService
import TestSupport
import XCTest

/// A service on an ephemeral loopback port with the PyTorch reference's seeded checkpoints,
/// and curl to talk to it as users do.
final class ServiceHarness {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let reference = repository.appendingPathComponent("Tests/Reference")
    static let weights = reference.appendingPathComponent("generated/weights-zip")

    let service: StylizeService
    let port: Int

    init(logger: Logger = ServiceHarness.quietLogger, _ configure: (inout ServiceConfiguration) -> Void = { _ in }) throws {
        var configuration = ServiceConfiguration(http: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
                                                 weightsDirectory: Self.weights)
        configuration.threadsPerWorker = 1
        configure(&configuration)
        service = StylizeService(configuration: configuration, logger: logger)
        port = try service.start()
        let deadline = Date().addingTimeInterval(60)
        while case .loading = service.model.phase, Date() < deadline { usleep(20_000) }
        guard case .ready = service.model.phase else {
            throw HarnessError(description: "the seeded weights did not load (run scripts/test.sh): \(service.model.phase)")
        }
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    deinit {
        let done = DispatchSemaphore(value: 0)
        service.shutdown { done.signal() }
        _ = done.wait(timeout: .now() + 30)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    static func input(_ name: String) -> String {
        reference.appendingPathComponent("inputs/\(name)").path
    }

    struct Response {
        let status: Int
        let headers: [String: String]
        let body: Data

        var text: String { String(decoding: body, as: UTF8.self) }

        /// The JSON body (a problem document, or the readiness report).
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
        }
    }

    /// Runs curl against `path` with `arguments` (e.g. ["-F", "content=@photo.png"]).
    func curl(_ path: String, _ arguments: [String] = []) throws -> Response {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let headers = directory.appendingPathComponent("headers"), body = directory.appendingPathComponent("body")
        _ = try ProcessRun.curl(["-D", headers.path, "-o", body.path] + arguments + [url + path])
        let head = (try? String(contentsOf: headers, encoding: .utf8)) ?? ""
        let lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let finalHead = lines.lastIndex { $0.hasPrefix("HTTP/") }.map { Array(lines[$0...]) } ?? []
        let status = finalHead.first.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        var fields: [String: String] = [:]
        for line in finalHead.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: fields, body: (try? Data(contentsOf: body)) ?? Data())
    }

    /// Occupies every worker and queue slot with jobs that wait until `release` is signalled.
    func fillWorkersAndQueue(release: DispatchSemaphore) {
        let configuration = service.configuration
        let blocker = { WorkerPool.Job { release.wait(); release.signal() } }
        for _ in 0..<configuration.workers { XCTAssertTrue(service.pool.submit(blocker())) }
        let deadline = Date().addingTimeInterval(10)
        while service.pool.snapshot.busy < configuration.workers, Date() < deadline { usleep(10_000) }
        for _ in 0..<configuration.queueDepth { XCTAssertTrue(service.pool.submit(blocker())) }
        XCTAssertFalse(service.pool.hasRoom)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
}
