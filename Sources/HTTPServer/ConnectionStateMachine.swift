/// The HTTP/1.1 protocol of one connection as a value: each event returns the actions it calls for.
///
/// It keeps the bytes received and the parsers, so everything the protocol decides is decided here:
/// persistence (HTTP/1.0 and 1.1 rules), pipelined requests answered in order, body framing,
/// `100 Continue`, the deadlines and their 408s, the answers to malformed requests, and draining
/// on shutdown. ``Connection`` moves the bytes and carries out the actions. Time comes in with each
/// event, so tests drive it with a fake clock; nothing here touches a socket or a queue.
struct ConnectionStateMachine {
    typealias Instant = ContinuousClock.Instant

    private enum State {
        case awaitingHead
        /// A route has the request; its response is pending.
        case handling
        case writing(close: Bool)
        /// The last response is out and the write side shut; input is dropped until the client closes.
        case lingering
        case closed
    }

    private let configuration: HTTPServerConfiguration
    private let remoteAddress: String
    private let finishResponse: ((HTTPHeaders, inout HTTPResponse) -> Void)?
    private var state = State.awaitingHead
    private var inbound = InboundBuffer()
    private var parser: RequestParser
    private var request: RequestInProgress
    private var deadlines = Deadlines()
    private var shuttingDown = false
    private var peerClosedInput = false

    /// Input kept while a route decides, beyond which reading pauses until the response is out.
    private var maxBufferedBytes: Int { configuration.maxRequestLineBytes + configuration.maxHeaderBytes + 64 * 1024 }

    /// A connection accepted at `now`, whose first request head must arrive within the header timeout.
    /// `finishResponse` may add headers to every response, the server's own errors included.
    init(configuration: HTTPServerConfiguration, remoteAddress: String, now: Instant,
         finishResponse: ((HTTPHeaders, inout HTTPResponse) -> Void)? = nil) {
        self.configuration = configuration
        self.remoteAddress = remoteAddress
        self.finishResponse = finishResponse
        parser = RequestParser(maxRequestLineBytes: configuration.maxRequestLineBytes,
                               maxHeaderBytes: configuration.maxHeaderBytes,
                               maxHeaderCount: configuration.maxHeaderCount)
        request = RequestInProgress(startedAt: now)
        deadlines.setPhase(.header, at: now + .seconds(configuration.headerTimeout))
    }

    /// When ``deadlinePassed(now:)`` is next due; nil when no deadline runs.
    var nextDeadline: Instant? { deadlines.next }

    // MARK: Events from the socket

    /// Bytes arrived from the client.
    mutating func bytesRead(_ bytes: UnsafeRawBufferPointer, now: Instant) -> [ConnectionAction] {
        switch state {
        case .lingering, .closed: return []
        case .awaitingHead, .handling, .writing: break
        }
        inbound.append(bytes)
        var actions = process(now: now)
        if !isClosed && inbound.count >= maxBufferedBytes { actions.append(.pauseReading) }
        return actions
    }

    /// The client sent FIN. While its response is being written it may still be reading, so finish
    /// writing; otherwise it has gone (a pending request is cancelled, as the client cannot be waiting).
    mutating func peerClosed() -> [ConnectionAction] {
        guard case .writing = state else { return close() }
        peerClosedInput = true
        return [.pauseReading]
    }

    /// `count` bytes of output were written: a client that reads keeps the write deadline away.
    mutating func bytesWritten(_ count: Int, now: Instant) {
        request.bytesOut += count
        if case .writing = state { deadlines.setPhase(.write, at: now + .seconds(configuration.writeTimeout)) }
    }

    /// All output so far is written. After a response that means closing, lingering, or the next request.
    mutating func outputFlushed(now: Instant) -> [ConnectionAction] {
        guard case .writing(let close) = state else { return [] }
        let finished = ConnectionAction.requestFinished(request.accessLogEntry(remoteAddress: remoteAddress, now: now))
        request = RequestInProgress(startedAt: now)
        if peerClosedInput { return [finished] + self.close() }
        if close || shuttingDown { return [finished] + linger(now: now) }
        state = .awaitingHead
        if inbound.isEmpty {
            deadlines.setPhase(.keepAlive, at: now + .seconds(configuration.keepAliveTimeout))
            return [finished, .resumeReading]
        }
        deadlines.setPhase(.header, at: now + .seconds(configuration.headerTimeout))
        return [finished, .resumeReading, .parseOnNextTurn]
    }

    /// The later turn that ``ConnectionAction/parseOnNextTurn`` asked for: the pipelined input is parsed.
    mutating func nextTurn(now: Instant) -> [ConnectionAction] {
        process(now: now)
    }

    /// The timer fired: acts on each deadline that has passed by `now`.
    mutating func deadlinePassed(now: Instant) -> [ConnectionAction] {
        var actions: [ConnectionAction] = []
        for deadline in deadlines.takeExpired(now: now) where !isClosed {
            actions += expired(deadline, now: now)
        }
        return actions
    }

    // MARK: Events from the route

    /// The route starts reading the body, once: `100 Continue` is sent if the client waits for it.
    /// A second call, or one after the request was answered, gets `bodyUnavailable` (or 0 bytes when
    /// there is no body).
    mutating func readBody(into consumer: BodyConsumer, now: Instant) -> [ConnectionAction] {
        guard case .handling = state, case .unread = request.body else {
            let result: Result<Int, Error> = request.framing == .none ? .success(0) : .failure(HTTPExchangeError.bodyUnavailable)
            return [.finishBody(consumer.completion, result)]
        }
        let reader = BodyReader(framing: request.framing, maxBodyBytes: configuration.maxBodyBytes,
                                maxLineBytes: configuration.maxHeaderBytes)
        request.body = .reading(reader, consumer)
        deadlines.setPhase(.bodyIdle, at: now + .seconds(configuration.bodyIdleTimeout))
        let interim: [ConnectionAction] = request.expectsContinue && inbound.isEmpty ? [.writeContinue] : []
        return interim + [.resumeReading] + pumpBody(now: now)
    }

    /// The response to the request being handled; ignored once it has been answered.
    mutating func respond(_ response: HTTPResponse, now: Instant) -> [ConnectionAction] {
        guard case .handling = state else { return [] }
        return send(response, now: now)
    }

    // MARK: Events from the server

    /// Graceful shutdown: an idle connection closes now; a busy one closes after its current response.
    mutating func beginShutdown() -> [ConnectionAction] {
        shuttingDown = true
        guard case .awaitingHead = state, !parser.hasStarted, inbound.isEmpty else { return [] }
        return close()
    }

    /// Closes at once: the socket failed, or the server's drain timeout passed.
    mutating func close() -> [ConnectionAction] {
        if isClosed { return [] }
        state = .closed
        deadlines = Deadlines()
        guard case .reading(_, let consumer) = request.body else { return [.close(abandoning: nil)] }
        request.body = .failed
        return [.close(abandoning: consumer.completion)]
    }

    // MARK: Transitions

    private var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    private mutating func process(now: Instant) -> [ConnectionAction] {
        switch state {
        case .awaitingHead: parseHead(now: now)
        case .handling: pumpBody(now: now)
        case .writing, .lingering, .closed: []
        }
    }

    private mutating func parseHead(now: Instant) -> [ConnectionAction] {
        switch parser.parse(inbound.bytes) {
        case .needMore:
            guard parser.hasStarted else { return [] }
            // The next request has begun: it gets the time for a head rather than what is left of the idle time.
            if deadlines.phaseDeadline == .keepAlive {
                deadlines.setPhase(.header, at: now + .seconds(configuration.headerTimeout))
            }
            deadlines.startRead(at: now + .seconds(configuration.readTimeout))
            return []
        case .failure(let problem):
            request = RequestInProgress(startedAt: now)
            return send(HTTPResponse(problem: problem), now: now)
        case .head(let head, let consumed):
            inbound.consume(consumed)
            parser.reset()
            deadlines.startRead(at: now + .seconds(configuration.readTimeout))
            return begin(head, headBytes: consumed, now: now)
        }
    }

    /// Accepts a head whose framing is sound and hands it to its route.
    private mutating func begin(_ head: RequestHead, headBytes: Int, now: Instant) -> [ConnectionAction] {
        deadlines.clearPhase()
        request = RequestInProgress(head: head, bytesIn: headBytes, startedAt: now)
        do throws(Problem) {
            try head.validateHost()
            request.framing = try head.bodyFraming(maxBodyBytes: configuration.maxBodyBytes)
            request.expectsContinue = try head.expectsContinue()
        } catch {
            return send(HTTPResponse(problem: error), now: now)
        }
        request.keepAlive = head.keepAlive
        request.body = request.framing == .none ? .complete : .unread
        state = .handling
        let routed = HTTPRequest(method: head.method, target: head.target, version: head.version,
                                 headers: head.headers, remoteAddress: remoteAddress)
        return [.dispatch(routed, hasBody: request.framing != .none)]
    }

    /// Passes what has arrived of the body to the route.
    private mutating func pumpBody(now: Instant) -> [ConnectionAction] {
        guard case .reading(var reader, let consumer) = request.body else { return [] }
        let consumed: Int
        do {
            consumed = try reader.read(inbound.bytes, emit: consumer.chunk)
        } catch {
            return failBody(error, closeIfAnswered: false)
        }
        inbound.consume(consumed)
        request.bytesIn += consumed
        guard !reader.isComplete else {
            request.body = .complete
            deadlines.clearPhase()
            deadlines.clearRead()
            return [.finishBody(consumer.completion, .success(reader.bytesRead))]
        }
        request.body = .reading(reader, consumer)
        if consumed > 0 { deadlines.setPhase(.bodyIdle, at: now + .seconds(configuration.bodyIdleTimeout)) }
        return []
    }

    /// Breaks off a body being read; the connection answers unless the route has, and then closes.
    private mutating func failBody(_ error: Error, closeIfAnswered: Bool) -> [ConnectionAction] {
        guard case .reading(_, let consumer) = request.body else { return [] }
        request.body = .failed
        return [.failBody(consumer.completion, error, closeIfAnswered: closeIfAnswered)]
    }

    /// Writes the final response; closes afterwards when the request is not persistent, its body was left
    /// unread, or the server is shutting down.
    private mutating func send(_ response: HTTPResponse, now: Instant) -> [ConnectionAction] {
        var response = response
        finishResponse?(request.head?.headers ?? HTTPHeaders(), &response)
        let bodyUnread: Bool
        switch request.body {
        case .complete: bodyUnread = false
        case .unread, .reading, .failed: bodyUnread = true
        }
        let close = !request.keepAlive || bodyUnread || shuttingDown
        request.body = bodyUnread ? .failed : .complete
        request.status = response.status
        request.responseHeaders = response.headers
        state = .writing(close: close)
        deadlines.clearRead()
        deadlines.setPhase(.write, at: now + .seconds(configuration.writeTimeout))
        let includeBody = request.head?.method != "HEAD" && !response.status.forbidsBody
        return [.writeResponse(response, close: close, includeBody: includeBody)]
    }

    /// Stops sending but keeps reading for a while, so that the client receives the response rather than a reset.
    private mutating func linger(now: Instant) -> [ConnectionAction] {
        state = .lingering
        deadlines.setPhase(.linger, at: now + .seconds(configuration.lingerTimeout))
        return [.halfClose, .resumeReading]
    }

    private mutating func expired(_ deadline: Deadline, now: Instant) -> [ConnectionAction] {
        switch deadline {
        case .header:
            guard parser.hasStarted else { return close() }
            return send(HTTPResponse(problem: Problem(.requestTimeout, detail:
                "The request head did not arrive within \(configuration.headerTimeout) seconds.")), now: now)
        case .bodyIdle:
            return failBody(Problem(.requestTimeout, detail: "No body data arrived for \(configuration.bodyIdleTimeout) seconds."),
                            closeIfAnswered: true)
        case .read:
            let problem = Problem(.requestTimeout, detail:
                "The request did not arrive within \(configuration.readTimeout) seconds of its first byte; send it faster.")
            switch (state, request.body) {
            case (.awaitingHead, _) where parser.hasStarted:
                return send(HTTPResponse(problem: problem), now: now)
            case (.handling, .reading):
                return failBody(problem, closeIfAnswered: true)
            default:
                // Arrived in time: the route has the request (reading no body yet, or none to read).
                return []
            }
        case .keepAlive, .write, .linger:
            return close()
        }
    }
}
