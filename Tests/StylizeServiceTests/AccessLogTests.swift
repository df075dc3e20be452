import Foundation
import Logging
@testable import StylizeService
import XCTest

/// The access log: a line per request at info level, but passing health and readiness probes,
/// which arrive every second from a load balancer, only at debug level.
final class AccessLogTests: XCTestCase {
    /// Keeps every record it is given, with its level.
    final class Recorder: LogHandler, @unchecked Sendable {
        private let lock = NSLock()
        private var recorded: [(Logger.Level, Logger.Metadata)] = []
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            guard event.message.description == "request" else { return }
            lock.withLock { recorded.append((event.level, event.metadata ?? [:])) }
        }

        /// The level of each request line for `target`, in order.
        func levels(of target: String) -> [Logger.Level] {
            lock.withLock { recorded.filter { $0.1["target"]?.description == target }.map(\.0) }
        }
    }

    func testPassingProbesAreLoggedAtDebugAndEverythingElseAtInfo() throws {
        let recorder = Recorder()
        var logger = Logger(label: "test") { _ in recorder }
        logger.logLevel = .trace
        let harness = try ServiceHarness(logger: logger)
        XCTAssertEqual(try harness.curl("/healthz").status, 200)
        XCTAssertEqual(try harness.curl("/readyz").status, 200)
        XCTAssertEqual(try harness.curl("/metrics").status, 200)
        XCTAssertEqual(try harness.curl("/nowhere").status, 404)
        let deadline = Date(timeIntervalSinceNow: 5)
        while recorder.levels(of: "/nowhere").isEmpty && Date() < deadline { usleep(10_000) }
        XCTAssertEqual(recorder.levels(of: "/healthz"), [.debug])
        XCTAssertEqual(recorder.levels(of: "/readyz"), [.debug])
        XCTAssertEqual(recorder.levels(of: "/metrics"), [.info])
        XCTAssertEqual(recorder.levels(of: "/nowhere"), [.info])
    }
}
