import Foundation
import Glibc
@testable import HTTPServer
import Logging
import TestSupport
import XCTest

/// A server on an ephemeral loopback port, stopped at the end of the test.
final class TestServer {
    let server: HTTPServer
    let port: Int
    let router: Router
    private let entries = Locked<[HTTPAccessLogEntry]>([])

    init(host: String = "127.0.0.1", configure: (inout HTTPServerConfiguration) -> Void = { _ in },
         routes: (Router) -> Void) throws {
        var configuration = HTTPServerConfiguration(host: host, port: 0)
        configuration.lingerTimeout = 0.5
        configure(&configuration)
        router = Router()
        routes(router)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let entries = self.entries
        server = HTTPServer(configuration: configuration, router: router, logger: logger, accessLog: { entry in
            entries.withValue { $0.append(entry) }
        })
        port = try server.start()
    }

    var accessLog: [HTTPAccessLogEntry] { entries.withValue { $0 } }

    func client() throws -> RawClient {
        try RawClient(port: port)
    }

    /// Shuts down and waits; returns whether it finished within `timeout`.
    @discardableResult
    func stop(drainTimeout: TimeInterval = 1, timeout: TimeInterval = 5) -> Bool {
        let done = DispatchSemaphore(value: 0)
        server.beginShutdown(drainTimeout: drainTimeout) { done.signal() }
        return done.wait(timeout: .now() + timeout) == .success
    }

    /// Waits until `condition` holds, polling; false after `timeout`.
    func eventually(timeout: TimeInterval = 5, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}

final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withValue<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&value) }
    }
}

/// Runs curl and returns its exit status and output.
func curl(_ arguments: [String], timeout: TimeInterval = 20) throws -> (status: Int32, output: String, error: String) {
    let run = try ProcessRun.curl(arguments, timeout: Int(timeout))
    return (run.status, run.stdout, run.stderr)
}

extension XCTestCase {
    /// A temporary file of `size` bytes with a recognisable pattern.
    func temporaryFile(size: Int, name: String = "upload.bin") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(name)
        let block = Data((0..<4093).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) })
        var data = Data(capacity: size)
        while data.count < size { data.append(block.prefix(size - data.count)) }
        try data.write(to: url)
        return url
    }
}
