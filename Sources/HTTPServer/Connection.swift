import Dispatch
import Glibc
import Logging

/// One client connection's I/O: it feeds what the socket, the timer, the routes and the server report
/// to its ``ConnectionStateMachine``, and carries out the actions that come back.
///
/// All state is touched only on the connection's I/O queue, which other connections share,
/// so nothing here blocks. Handlers reach back in through ``HTTPExchange``, which hops onto the queue.
final class Connection {
    let id: Int
    let remoteAddress: String
    private let fd: Int32
    private let loop: IOLoop
    private let server: HTTPServer
    private let readSource: DispatchSourceRead
    private let writeSource: DispatchSourceWrite
    private lazy var timer = DeadlineTimer(queue: loop.queue) { [unowned self] in run(machine.deadlinePassed(now: .now)) }
    private var machine: ConnectionStateMachine
    /// The exchange of the request a route has, until its response is written.
    private var exchange: HTTPExchange?
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var writeSourceActive = false
    private var readPaused = false
    private var closed = false
    private var cancelledSources = 0

    init(id: Int, fd: Int32, remoteAddress: String, loop: IOLoop, server: HTTPServer) {
        self.id = id
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.server = server
        machine = ConnectionStateMachine(configuration: server.configuration, remoteAddress: remoteAddress,
                                         now: .now, finishResponse: server.finishResponse)
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
        timer.schedule(machine.nextDeadline)
    }

    // MARK: Events

    private func readable() {
        switch Socket.read(fd, into: loop.scratch) {
        case .bytes(let count):
            run(machine.bytesRead(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<count]), now: .now))
        case .wouldBlock:
            return
        case .closed:
            run(machine.peerClosed())
        case .failed:
            run(machine.close())
        }
    }

    /// Starts streaming the body to a route; see ``HTTPExchange/readBody(_:completion:)``.
    func readBody(for exchange: HTTPExchange, onChunk: @escaping (ArraySlice<UInt8>) throws -> Void,
                  completion: @escaping BodyConsumer.Completion) {
        loop.queue.async { [self] in
            guard self.exchange === exchange else {
                return perform(for: exchange) { try completion(.failure(HTTPExchangeError.bodyUnavailable)) }
            }
            run(machine.readBody(into: BodyConsumer(chunk: onChunk, completion: completion), now: .now))
        }
    }

    /// A handler's response, from any thread.
    func deliver(_ response: HTTPResponse, for exchange: HTTPExchange) {
        loop.queue.async { [self] in
            guard self.exchange === exchange else { return }
            run(machine.respond(response, now: .now))
        }
    }

    /// Graceful shutdown: an idle connection closes now; a busy one closes after its current response.
    func beginShutdown() {
        loop.queue.async { [self] in run(machine.beginShutdown()) }
    }

    /// Closes at once (drain timeout passed).
    func forceClose() {
        loop.queue.async { [self] in run(machine.close()) }
    }

    // MARK: Actions

    /// Carries out `actions` in order, up to a close, then follows the machine's next deadline.
    private func run(_ actions: [ConnectionAction]) {
        for action in actions where !closed {
            execute(action)
        }
        if !closed { timer.schedule(machine.nextDeadline) }
    }

    private func execute(_ action: ConnectionAction) {
        switch action {
        case .dispatch(let request, let hasBody):
            dispatch(request, hasBody: hasBody)
        case .writeContinue:
            write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        case .writeResponse(let response, let close, let includeBody):
            write(response.head(close: close) + (includeBody ? response.body : []))
        case .pauseReading:
            pauseReading()
        case .resumeReading:
            resumeReading()
        case .parseOnNextTurn:
            loop.queue.async { [self] in run(machine.nextTurn(now: .now)) }
        case .finishBody(let completion, let result):
            perform(for: exchange) { try completion(result) }
        case .failBody(let completion, let error, let closeIfAnswered):
            let problem = problem(for: error)
            if let exchange, exchange.claim() {
                run(machine.respond(HTTPResponse(problem: problem), now: .now))
            } else if closeIfAnswered {
                run(machine.close())
            }
            try? completion(.failure(error))
        case .requestFinished(let entry):
            exchange = nil
            server.requestCompleted(entry)
        case .halfClose:
            shutdown(fd, Int32(SHUT_WR))
        case .close(let abandoned):
            close(abandoning: abandoned)
        }
    }

    private func dispatch(_ request: HTTPRequest, hasBody: Bool) {
        switch server.router.route(request) {
        case .response(let response):
            run(machine.respond(response, now: .now))
        case .handler(let handler):
            let exchange = HTTPExchange(request: request, hasBody: hasBody, connection: self)
            self.exchange = exchange
            perform(for: exchange) { try handler(request, exchange) }
        }
    }

    /// Runs route code, answering with the error's problem if it throws.
    private func perform(for exchange: HTTPExchange?, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            exchange?.respond(problem(for: error))
        }
    }

    private func problem(for error: Error) -> Problem {
        if let convertible = error as? ProblemConvertible { return convertible.problem }
        server.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(exchange?.request.target ?? "-")"])
        return Problem(.internalServerError, detail: "The server failed to process the request; try again later.")
    }

    // MARK: Socket

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
                machine.bytesWritten(count, now: .now)
            case .wouldBlock:
                setWriteSource(active: true)
                timer.schedule(machine.nextDeadline)
                return
            case .closed, .failed:
                run(machine.close())
                return
            }
        }
        outbound.removeAll(keepingCapacity: outbound.capacity <= 64 * 1024)
        outboundOffset = 0
        setWriteSource(active: false)
        run(machine.outputFlushed(now: .now))
    }

    private func close(abandoning completion: BodyConsumer.Completion?) {
        closed = true
        exchange?.cancel()
        exchange = nil
        try? completion?(.failure(HTTPExchangeError.connectionClosed))
        timer.cancel()
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
