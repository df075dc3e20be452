import Dispatch
import Foundation
import Glibc
import Logging

/// One client connection: parse a request head, route it, let the route read the body,
/// write the response, then the next request (in order, so pipelining is answered in order).
///
/// All state is touched only on the connection's I/O queue, which other connections share,
/// so nothing here blocks. Handlers reach back in through ``HTTPExchange``, which hops onto the queue.
final class Connection {
    private enum State {
        case awaitingHead
        /// A route has the request; its response is pending.
        case handling
        case writing(close: Bool)
        /// The last response is out and the write side shut; input is dropped until the client closes.
        case lingering
        case closed
    }

    private enum Body {
        case unread
        case reading(BodyConsumer)
        case complete
        case failed
    }

    private final class BodyConsumer {
        var reader: BodyReader
        let onChunk: (ArraySlice<UInt8>) throws -> Void
        let completion: (Result<Int, Error>) throws -> Void

        init(reader: BodyReader, onChunk: @escaping (ArraySlice<UInt8>) throws -> Void,
             completion: @escaping (Result<Int, Error>) throws -> Void) {
            self.reader = reader
            self.onChunk = onChunk
            self.completion = completion
        }
    }

    /// What is known of the request being served, for framing and the access log.
    private struct Current {
        var head: RequestHead?
        var exchange: HTTPExchange?
        var framing = BodyFraming.none
        var body = Body.complete
        var expectsContinue = false
        var keepAlive = false
        var startedAt = DispatchTime.now()
        var bytesIn = 0
        var bytesOut = 0
        var status = HTTPStatus.ok
        var responseHeaders = HTTPHeaders()
    }

    let id: Int
    let remoteAddress: String
    private let fd: Int32
    private let loop: IOLoop
    private let server: HTTPServer
    private let configuration: HTTPServerConfiguration
    private let readSource: DispatchSourceRead
    private let writeSource: DispatchSourceWrite
    private lazy var deadline = DeadlineTimer(queue: loop.queue) { [unowned self] in expired($0) }
    /// Runs beside `deadline` while a request arrives: from its first byte to its body's last.
    /// Made at the first request, so a connection that never sends one costs no second timer.
    private var readDeadline: DeadlineTimer?
    private var writeSourceActive = false
    private var readPaused = false
    private var cancelledSources = 0

    private var state = State.awaitingHead
    private var inbound = InboundBuffer()
    private var parser: RequestParser
    private var current = Current()
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var shuttingDown = false
    private var peerClosedInput = false

    /// Input kept while a route decides, beyond which reading pauses until the response is out.
    private var maxBufferedBytes: Int { configuration.maxRequestLineBytes + configuration.maxHeaderBytes + 64 * 1024 }

    init(id: Int, fd: Int32, remoteAddress: String, loop: IOLoop, server: HTTPServer) {
        self.id = id
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.server = server
        self.configuration = server.configuration
        parser = RequestParser(maxRequestLineBytes: configuration.maxRequestLineBytes,
                               maxHeaderBytes: configuration.maxHeaderBytes,
                               maxHeaderCount: configuration.maxHeaderCount)
        readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: loop.queue)
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: loop.queue)
    }

    /// Starts reading; called once, on the connection's queue.
    func start() {
        readSource.setEventHandler { [unowned self] in readable() }
        writeSource.setEventHandler { [unowned self] in flush() }
        // The descriptor may be closed only when neither source can still use it.
        readSource.setCancelHandler { [self] in sourceCancelled() }
        writeSource.setCancelHandler { [self] in sourceCancelled() }
        readSource.resume()
        deadline.set(.header, after: configuration.headerTimeout)
    }

    // MARK: Reading

    private func readable() {
        switch Socket.read(fd, into: loop.scratch) {
        case .bytes(let count):
            if case .lingering = state { return }
            inbound.append(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<count]))
            process()
            if case .closed = state { return }
            if inbound.count >= maxBufferedBytes { pauseReading() }
        case .wouldBlock:
            return
        case .closed:
            inputEnded()
        case .failed:
            close()
        }
    }

    /// The client sent FIN. While its response is being written it may still be reading, so finish
    /// writing; otherwise it has gone (a pending request is cancelled, as the client cannot be waiting).
    private func inputEnded() {
        guard case .writing = state else { return close() }
        peerClosedInput = true
        pauseReading()
    }

    private func process() {
        switch state {
        case .awaitingHead: parseHead()
        case .handling: pumpBody()
        case .writing, .lingering, .closed: return
        }
    }

    private func parseHead() {
        switch parser.parse(inbound.bytes) {
        case .needMore:
            if parser.hasStarted && deadline.pending == .keepAlive {
                deadline.set(.header, after: configuration.headerTimeout)
            }
            if parser.hasStarted { startReadDeadline() }
        case .failure(let problem):
            current = Current()
            send(HTTPResponse(problem: problem), forceClose: true)
        case .head(let head, let consumed):
            inbound.consume(consumed)
            parser.reset()
            startReadDeadline()
            begin(head, headBytes: consumed)
        }
    }

    // MARK: Routing

    private func begin(_ head: RequestHead, headBytes: Int) {
        deadline.clear()
        current = Current(head: head, bytesIn: headBytes)
        do {
            try head.validateHost()
            current.framing = try head.bodyFraming(maxBodyBytes: configuration.maxBodyBytes)
            current.expectsContinue = try head.expectsContinue()
        } catch {
            send(HTTPResponse(problem: problem(for: error)), forceClose: true)
            return
        }
        current.keepAlive = head.keepAlive
        current.body = current.framing == .none ? .complete : .unread
        let request = HTTPRequest(method: head.method, target: head.target, version: head.version,
                                  headers: head.headers, remoteAddress: remoteAddress)
        switch server.router.route(request) {
        case .response(let response):
            send(response)
        case .handler(let handler):
            let exchange = HTTPExchange(request: request, hasBody: current.framing != .none, connection: self)
            current.exchange = exchange
            state = .handling
            perform(for: exchange) { try handler(request, exchange) }
        }
    }

    /// Runs route code, answering with the error's problem if it throws.
    private func perform(for exchange: HTTPExchange, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            exchange.respond(problem(for: error))
        }
    }

    private func problem(for error: Error) -> Problem {
        if let convertible = error as? ProblemConvertible { return convertible.problem }
        server.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(current.head?.target ?? "-")"])
        return Problem(.internalServerError, detail: "The server failed to process the request; try again later.")
    }

    // MARK: Body

    /// Starts streaming the body to a route, once: sends `100 Continue` if the client waits for it.
    func readBody(for exchange: HTTPExchange, onChunk: @escaping (ArraySlice<UInt8>) throws -> Void,
                  completion: @escaping (Result<Int, Error>) throws -> Void) {
        loop.queue.async { [self] in
            guard current.exchange === exchange, case .handling = state, case .unread = current.body else {
                perform(for: exchange) {
                    try completion(current.exchange === exchange && current.framing == .none
                                   ? .success(0) : .failure(HTTPExchangeError.bodyUnavailable))
                }
                return
            }
            let reader = BodyReader(framing: current.framing, maxBodyBytes: configuration.maxBodyBytes,
                                    maxLineBytes: configuration.maxHeaderBytes)
            current.body = .reading(BodyConsumer(reader: reader, onChunk: onChunk, completion: completion))
            if current.expectsContinue && inbound.isEmpty {
                write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                if case .closed = state { return }
            }
            deadline.set(.bodyIdle, after: configuration.bodyIdleTimeout)
            resumeReading()
            pumpBody()
        }
    }

    private func pumpBody() {
        guard case .reading(let consumer) = current.body, let exchange = current.exchange else { return }
        do {
            let consumed = try consumer.reader.read(inbound.bytes, emit: consumer.onChunk)
            inbound.consume(consumed)
            current.bytesIn += consumed
            if consumer.reader.isComplete {
                current.body = .complete
                deadline.clear()
                readDeadline?.clear()
                perform(for: exchange) { try consumer.completion(.success(consumer.reader.bytesRead)) }
            } else if consumed > 0 {
                deadline.set(.bodyIdle, after: configuration.bodyIdleTimeout)
            }
        } catch {
            failBody(consumer, error: error, problem: problem(for: error))
        }
    }

    /// Ends a body that cannot be read to the end: answer with `problem` if no one has answered yet, then close.
    private func failBody(_ consumer: BodyConsumer, error: Error, problem: Problem) {
        current.body = .failed
        if let exchange = current.exchange, exchange.claim() {
            send(HTTPResponse(problem: problem), forceClose: true)
        }
        try? consumer.completion(.failure(error))
    }

    // MARK: Responding

    /// A handler's response, from any thread.
    func deliver(_ response: HTTPResponse, for exchange: HTTPExchange) {
        loop.queue.async { [self] in
            guard current.exchange === exchange, case .handling = state else { return }
            send(response)
        }
    }

    /// Writes the final response; closes afterwards when the client asked, the body was left unread,
    /// or the server is shutting down.
    private func send(_ response: HTTPResponse, forceClose: Bool = false) {
        var response = response
        server.finishResponse?(current.head?.headers ?? HTTPHeaders(), &response)
        let bodyUnread: Bool
        switch current.body {
        case .complete: bodyUnread = false
        case .unread, .reading, .failed: bodyUnread = true
        }
        let close = forceClose || !current.keepAlive || bodyUnread || shuttingDown
        current.body = bodyUnread ? .failed : .complete
        current.status = response.status
        current.responseHeaders = response.headers
        var bytes = response.head(close: close)
        if current.head?.method != "HEAD" && !response.status.forbidsBody {
            bytes += response.body
        }
        state = .writing(close: close)
        readDeadline?.clear()
        deadline.set(.write, after: configuration.writeTimeout)
        write(bytes)
    }

    private func write(_ bytes: [UInt8]) {
        outbound += bytes
        flush()
    }

    private func flush() {
        while outboundOffset < outbound.count {
            let result = outbound.withUnsafeBytes { Socket.write(fd, UnsafeRawBufferPointer(rebasing: $0[outboundOffset...])) }
            switch result {
            case .bytes(let count):
                outboundOffset += count
                current.bytesOut += count
                if case .writing = state { deadline.set(.write, after: configuration.writeTimeout) }
            case .wouldBlock:
                setWriteSource(active: true)
                return
            case .closed, .failed:
                close()
                return
            }
        }
        outbound.removeAll(keepingCapacity: outbound.capacity <= 64 * 1024)
        outboundOffset = 0
        setWriteSource(active: false)
        if case .writing(let close) = state { responseWritten(close: close) }
    }

    private func responseWritten(close: Bool) {
        server.requestCompleted(accessLogEntry())
        current = Current()
        if peerClosedInput {
            return self.close()
        }
        if close || shuttingDown {
            linger()
            return
        }
        state = .awaitingHead
        resumeReading()
        if inbound.isEmpty {
            deadline.set(.keepAlive, after: configuration.keepAliveTimeout)
        } else {
            deadline.set(.header, after: configuration.headerTimeout)
            // Pipelined requests are parsed on a later turn so a long pipeline cannot deepen the stack.
            loop.queue.async { [self] in process() }
        }
    }

    private func accessLogEntry() -> HTTPAccessLogEntry {
        HTTPAccessLogEntry(method: current.head?.method ?? "", target: current.head?.target ?? "",
                           status: current.status, bytesIn: current.bytesIn, bytesOut: current.bytesOut,
                           duration: Double(DispatchTime.now().uptimeNanoseconds - current.startedAt.uptimeNanoseconds) / 1e9,
                           requestHeaders: current.head?.headers ?? HTTPHeaders(),
                           responseHeaders: current.responseHeaders, remoteAddress: remoteAddress)
    }

    // MARK: Closing

    /// Stops sending but keeps reading for a while, so that unread input does not turn the close into a reset
    /// that would destroy the response before the client reads it.
    private func linger() {
        state = .lingering
        shutdown(fd, Int32(SHUT_WR))
        resumeReading()
        deadline.set(.linger, after: configuration.lingerTimeout)
    }

    private func expired(_ kind: Deadline) {
        switch kind {
        case .header:
            if parser.hasStarted {
                send(HTTPResponse(problem: Problem(.requestTimeout, detail: "The request head did not arrive within \(configuration.headerTimeout) seconds.")), forceClose: true)
            } else {
                close()
            }
        case .bodyIdle:
            guard case .reading(let consumer) = current.body else { return }
            let problem = Problem(.requestTimeout, detail: "No body data arrived for \(configuration.bodyIdleTimeout) seconds.")
            failBody(consumer, error: problem, problem: problem)
            if case .handling = state { close() }
        case .read:
            let problem = Problem(.requestTimeout, detail:
                "The request did not arrive within \(configuration.readTimeout) seconds of its first byte; send it faster.")
            switch (state, current.body) {
            case (.awaitingHead, _) where parser.hasStarted:
                send(HTTPResponse(problem: problem), forceClose: true)
            case (.handling, .reading(let consumer)):
                failBody(consumer, error: problem, problem: problem)
                if case .handling = state { close() }
            default:
                // Arrived in time: the route has the request (reading no body yet, or none to read).
                break
            }
        case .keepAlive, .write, .linger:
            close()
        }
    }

    /// Graceful shutdown: an idle connection closes now; a busy one closes after its current response.
    func beginShutdown() {
        loop.queue.async { [self] in
            shuttingDown = true
            if case .awaitingHead = state, !parser.hasStarted, inbound.isEmpty { close() }
        }
    }

    /// Closes at once (drain timeout passed).
    func forceClose() {
        loop.queue.async { [self] in close() }
    }

    private func close() {
        if case .closed = state { return }
        state = .closed
        current.exchange?.cancel()
        if case .reading(let consumer) = current.body {
            current.body = .failed
            try? consumer.completion(.failure(HTTPExchangeError.connectionClosed))
        }
        current = Current()
        deadline.cancel()
        readDeadline?.cancel()
        resumeReading()
        readSource.cancel()
        writeSource.cancel()
        if !writeSourceActive { writeSource.resume() }
    }

    private func sourceCancelled() {
        cancelledSources += 1
        guard cancelledSources == 2 else { return }
        Glibc.close(fd)
        server.connectionClosed(self)
    }

    /// Arms the read deadline at a request's first byte, once per request.
    private func startReadDeadline() {
        guard current.exchange == nil else { return }
        let timer = readDeadline ?? DeadlineTimer(queue: loop.queue) { [unowned self] in expired($0) }
        readDeadline = timer
        if timer.pending == nil { timer.set(.read, after: configuration.readTimeout) }
    }

    private func pauseReading() {
        guard !readPaused else { return }
        readPaused = true
        readSource.suspend()
    }

    private func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        readSource.resume()
    }

    private func setWriteSource(active: Bool) {
        guard active != writeSourceActive, !(writeSource.isCancelled) else { return }
        writeSourceActive = active
        if active { writeSource.resume() } else { writeSource.suspend() }
    }
}
