import Foundation
import Glibc
import Logging
import XCTest
@testable import HTTPServer

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

/// A response as read off the wire.
struct RawResponse {
    let status: Int
    let reason: String
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The decoded problem+json body.
    var problem: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }
}

/// A blocking loopback client with read timeouts, writing exact bytes.
final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1") throws {
        let ipv6 = host.contains(":")
        fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket", errno: errno) }
        var result: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw SocketError(operation: "connect", errno: code)
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Closes at once with a reset, as a client that crashes or gives up does.
    func abort() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Sends FIN: the client will send nothing more but still reads.
    func finishSending() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads once, waiting at most `timeout`; nil on timeout, empty on end of stream.
    private func fill(timeout: TimeInterval) -> [UInt8]? {
        var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pollfd, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(chunk[0..<count]) : []
    }

    /// Reads one response (a 100 Continue counts as one); `head` for a response to HEAD, which has no body.
    func readResponse(head: Bool = false, timeout: TimeInterval = 5) -> RawResponse? {
        let deadline = Date().addingTimeInterval(timeout)
        func more() -> Bool {
            guard let chunk = fill(timeout: max(0, deadline.timeIntervalSinceNow)), !chunk.isEmpty else { return false }
            buffer += chunk
            return true
        }
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound
            if headEnd == nil && !more() { return nil }
        }
        guard let end = headEnd else { return nil }
        let lines = String(decoding: buffer[..<(end - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ", maxSplits: 2).map(String.init)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            headers.add(pair[0], pair.count > 1 ? pair[1] : "")
        }
        buffer.removeFirst(end)
        let length = head || status < 200 || status == 204 || status == 304 ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
        while buffer.count < length {
            if !more() { return nil }
        }
        let body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return RawResponse(status: status, reason: statusLine.count > 2 ? statusLine[2] : "", headers: headers, body: body)
    }

    /// Whether the server closes the connection (end of stream or reset) within `timeout`, ignoring data.
    func closedByServer(within timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let chunk = fill(timeout: max(0, deadline.timeIntervalSinceNow)) else { return false }
            if chunk.isEmpty { return true }
        }
        return false
    }

    /// Whether nothing arrives for `interval` and the connection stays open.
    func staysQuiet(for interval: TimeInterval) -> Bool {
        fill(timeout: interval) == nil && buffer.isEmpty
    }
}

/// Runs curl and returns its exit status and output.
func curl(_ arguments: [String], timeout: TimeInterval = 20) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-sS", "--max-time", "\(Int(timeout))"] + arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
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
