import Dispatch
import Foundation
import Glibc
import Logging

/// A minimal HTTP/1.1 server on non-blocking POSIX sockets and Dispatch sources.
///
/// One listening socket is watched on an accept queue; connections are spread over a few serial
/// I/O queues, so idle or slow clients cost a descriptor and a little memory, never a thread.
///
/// ```swift
/// let router = Router()
/// router.add("POST", "/v1/upload") { request, exchange in
///     guard let type = request.headers["Content-Type"] else {
///         throw Problem(.unsupportedMediaType, detail: "Send multipart/form-data.")   // before any body byte
///     }
///     let parser = try MultipartParser(contentType: type)
///     exchange.readBody({ try parser.feed($0) }) { result in                          // sends 100 Continue
///         _ = try result.get()
///         let parts = try parser.finish()
///         exchange.onCancel { /* drop the queued job */ }
///         queue.submit(parts) { output in exchange.respond(HTTPResponse(json: output)) }
///     }
/// }
/// let server = HTTPServer(configuration: HTTPServerConfiguration(port: 0), router: router)
/// let port = try server.start()
/// server.beginShutdown(drainTimeout: 10) { exit(0) }                                 // on SIGTERM
/// ```
public final class HTTPServer: @unchecked Sendable {
    /// Connection counters, read at any time.
    public struct Statistics: Sendable {
        public var openConnections = 0
        public var acceptedConnections = 0
        /// Connections refused with 503 because ``HTTPServerConfiguration/maxConnections`` were open.
        public var rejectedConnections = 0
    }

    public let configuration: HTTPServerConfiguration
    let router: Router
    let logger: Logger
    private let accessLog: ((HTTPAccessLogEntry) -> Void)?
    let finishResponse: ((HTTPHeaders, inout HTTPResponse) -> Void)?

    private let acceptQueue = DispatchQueue(label: "HTTPServer.accept")
    private let loops: [IOLoop]
    private let lock = NSLock()
    private var listener: DispatchSourceRead?
    private var connections: [Int: Connection] = [:]
    private var nextConnectionID = 0
    private var counters = Statistics()
    private var shutdownCompletion: (() -> Void)?
    private var isShuttingDown = false

    /// `accessLog` is called after each response has been written, on an I/O queue; it must not block.
    /// `finishResponse` gets the request's headers (empty when its head could not be parsed) and may add
    /// headers to every response, the server's own errors included (CORS, request ids); it must not block.
    public init(configuration: HTTPServerConfiguration, router: Router, logger: Logger = Logger(label: "HTTPServer"),
                finishResponse: ((HTTPHeaders, inout HTTPResponse) -> Void)? = nil,
                accessLog: ((HTTPAccessLogEntry) -> Void)? = nil) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.finishResponse = finishResponse
        self.accessLog = accessLog
        loops = (0..<max(1, configuration.ioQueueCount)).map { IOLoop(label: "HTTPServer.io.\($0)") }
    }

    deinit {
        listener?.cancel()
    }

    /// Binds and starts accepting, once; returns the bound port (the ephemeral one when the port is 0).
    @discardableResult
    public func start() throws -> Int {
        guard lock.withLock({ listener == nil && !isShuttingDown }) else {
            throw SocketError(operation: "start: the server was already started", errno: EINVAL)
        }
        let (fd, port) = try Socket.listen(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
        source.setEventHandler { [weak self] in self?.acceptPending(fd) }
        source.setCancelHandler { Glibc.close(fd) }
        lock.withLock { listener = source }
        source.resume()
        logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        return port
    }

    public var statistics: Statistics {
        lock.withLock { counters }
    }

    /// Stops accepting, closes idle connections, lets requests in flight be answered (with `Connection: close`),
    /// and calls `completion` once every connection is closed, or after `drainTimeout` seconds when the rest
    /// are closed by force. Safe to call from a signal handler's dispatch source, and more than once.
    public func beginShutdown(drainTimeout: TimeInterval = 10, completion: @escaping @Sendable () -> Void = {}) {
        let (first, open, source): (Bool, [Connection], DispatchSourceRead?) = lock.withLock {
            let earlier = shutdownCompletion
            shutdownCompletion = { earlier?(); completion() }
            guard !isShuttingDown else { return (false, [], nil) }
            isShuttingDown = true
            defer { listener = nil }
            return (true, Array(connections.values), listener)
        }
        guard first else {
            finishShutdownIfDrained()
            return
        }
        source?.cancel()
        logger.info("shutting down", metadata: ["open connections": "\(open.count)"])
        open.forEach { $0.beginShutdown() }
        acceptQueue.asyncAfter(deadline: .now() + drainTimeout) { [self] in
            let remaining = lock.withLock { Array(connections.values) }
            if !remaining.isEmpty {
                logger.warning("drain timeout: closing connections", metadata: ["count": "\(remaining.count)"])
            }
            remaining.forEach { $0.forceClose() }
        }
        finishShutdownIfDrained()
    }

    private func acceptPending(_ listenerFD: Int32) {
        // Bounded so one busy listener cannot starve the accept queue's timers.
        for _ in 0..<64 {
            switch Socket.accept(listenerFD) {
            case .accepted(let fd, let address):
                admit(fd: fd, address: address)
            case .none:
                return
            case .failed(let code):
                logger.error("accept failed", metadata: ["error": "\(SocketError(operation: "accept", errno: code))"])
                pauseAccepting()
                return
            }
        }
    }

    /// Out of descriptors: stop polling the listener briefly instead of spinning on a level-triggered event.
    private func pauseAccepting() {
        guard let source = lock.withLock({ listener }) else { return }
        source.suspend()
        acceptQueue.asyncAfter(deadline: .now() + 0.1) { source.resume() }
    }

    private func admit(fd: Int32, address: String) {
        // Registering and starting under the lock orders the start before any shutdown of this connection.
        let admitted: Bool = lock.withLock {
            guard !isShuttingDown, connections.count < configuration.maxConnections else {
                counters.rejectedConnections += 1
                return false
            }
            nextConnectionID += 1
            counters.acceptedConnections += 1
            counters.openConnections += 1
            let loop = loops[nextConnectionID % loops.count]
            let connection = Connection(id: nextConnectionID, fd: fd, remoteAddress: address, loop: loop, server: self)
            connections[connection.id] = connection
            loop.queue.async { connection.start() }
            return true
        }
        if !admitted { reject(fd) }
    }

    /// Best effort: a small 503 fits the empty socket buffer, so one non-blocking send delivers it.
    private func reject(_ fd: Int32) {
        let problem = Problem(.serviceUnavailable, detail: "The server is at its connection limit or shutting down; retry shortly.")
        let bytes = HTTPResponse(problem: problem).head(close: true) + Array(problem.json.utf8)
        _ = bytes.withUnsafeBytes { Socket.write(fd, $0) }
        shutdown(fd, Int32(SHUT_WR))
        Glibc.close(fd)
    }

    func requestCompleted(_ entry: HTTPAccessLogEntry) {
        accessLog?(entry)
    }

    func connectionClosed(_ connection: Connection) {
        lock.withLock {
            if connections.removeValue(forKey: connection.id) != nil {
                counters.openConnections -= 1
            }
        }
        finishShutdownIfDrained()
    }

    private func finishShutdownIfDrained() {
        let completion: (() -> Void)? = lock.withLock {
            guard isShuttingDown, connections.isEmpty, let completion = shutdownCompletion else { return nil }
            shutdownCompletion = nil
            return completion
        }
        if let completion {
            logger.info("stopped")
            completion()
        }
    }
}
