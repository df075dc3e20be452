/// What a connection knows of the request it serves: how its body is framed and read, and what the
/// access log reports once the response is written.
struct RequestInProgress {
    enum Body {
        case unread
        case reading(BodyReader, BodyConsumer)
        case complete
        /// Left unread or broken off: the connection cannot find the next request and closes.
        case failed
    }

    /// Nil until a head has been parsed, and for an answer to input that is not one.
    var head: RequestHead?
    var framing = BodyFraming.none
    var body = Body.complete
    var expectsContinue = false
    /// False until the head has been accepted, so that every error the server answers itself closes.
    var keepAlive = false
    let startedAt: ContinuousClock.Instant
    var bytesIn = 0
    var bytesOut = 0
    var status = HTTPStatus.ok
    var responseHeaders = HTTPHeaders()

    init(head: RequestHead? = nil, bytesIn: Int = 0, startedAt: ContinuousClock.Instant) {
        self.head = head
        self.bytesIn = bytesIn
        self.startedAt = startedAt
    }

    func accessLogEntry(remoteAddress: String, now: ContinuousClock.Instant) -> HTTPAccessLogEntry {
        HTTPAccessLogEntry(method: head?.method ?? "", target: head?.target ?? "", status: status,
                           bytesIn: bytesIn, bytesOut: bytesOut, duration: (now - startedAt).inSeconds,
                           requestHeaders: head?.headers ?? HTTPHeaders(), responseHeaders: responseHeaders,
                           remoteAddress: remoteAddress)
    }
}
