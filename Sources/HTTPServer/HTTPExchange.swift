import Foundation

/// Why an exchange's body could not be read.
public enum HTTPExchangeError: Error, Equatable {
    /// The client closed the connection, or the server closed it (deadline, shutdown).
    case connectionClosed
    /// `readBody` was called twice, or after the request was answered.
    case bodyUnavailable
}

/// One request and its pending response: the handle a route keeps while the work happens elsewhere.
///
/// Safe to use from any thread. The first ``respond(_:)`` wins and later ones are ignored,
/// so a deadline and a worker racing to answer cannot produce two responses.
public final class HTTPExchange: @unchecked Sendable {
    public let request: HTTPRequest
    /// Whether the request has a body to read (a Content-Length above 0, or chunked).
    public let hasBody: Bool

    private let connection: Connection
    private let lock = NSLock()
    private var answered = false
    private var cancelled = false
    private var cancelHandlers: [() -> Void] = []

    init(request: HTTPRequest, hasBody: Bool, connection: Connection) {
        self.request = request
        self.hasBody = hasBody
        self.connection = connection
    }

    /// Streams the body: `onChunk` gets each piece as it arrives, then `completion` the body's length.
    ///
    /// Calling this is what accepts the request head: only then is `100 Continue` sent to a client
    /// that asked for it. Both closures run on the connection's queue. If `onChunk` throws, the request
    /// is answered with the error's problem (or 500) and the connection closed. On failure the request
    /// has already been answered or the client is gone; `completion` only has to clean up.
    /// `completion` is not called when the handler answers before the body ended.
    public func readBody(_ onChunk: @escaping (ArraySlice<UInt8>) throws -> Void,
                         completion: @escaping (Result<Int, Error>) throws -> Void) {
        connection.readBody(for: self, onChunk: onChunk, completion: completion)
    }

    /// Reads the whole body into memory (bounded by the server's body limit).
    public func collectBody(completion: @escaping (Result<[UInt8], Error>) throws -> Void) {
        var body: [UInt8] = []
        if let length = request.contentLength { body.reserveCapacity(length) }
        readBody({ body.append(contentsOf: $0) }, completion: { result in
            try completion(result.map { _ in body })
        })
    }

    /// Sends the response, from any thread. Ignored after the first call or once the client has gone.
    public func respond(_ response: HTTPResponse) {
        guard claim() else { return }
        connection.deliver(response, for: self)
    }

    /// Answers with a problem document, for example 503 when a queue is full or 504 when a deadline passed.
    public func respond(_ problem: Problem) {
        respond(HTTPResponse(problem: problem))
    }

    /// Whether the client went away before the response was sent; pending work can then be dropped.
    public var isCancelled: Bool {
        lock.withLock { cancelled }
    }

    /// Registers a callback run once if the client goes away before the response is sent
    /// (at once if it already has). It runs on an arbitrary queue and must not block.
    public func onCancel(_ handler: @escaping () -> Void) {
        let runNow = lock.withLock {
            if cancelled { return true }
            if !answered { cancelHandlers.append(handler) }
            return false
        }
        if runNow { handler() }
    }

    /// Takes the right to answer; false when someone already answered or the client is gone.
    func claim() -> Bool {
        lock.withLock {
            guard !answered && !cancelled else { return false }
            answered = true
            cancelHandlers = []
            return true
        }
    }

    /// Marks the client gone and runs the cancellation callbacks, unless a response was already sent.
    func cancel() {
        let handlers: [() -> Void] = lock.withLock {
            guard !answered && !cancelled else { return [] }
            cancelled = true
            defer { cancelHandlers = [] }
            return cancelHandlers
        }
        handlers.forEach { $0() }
    }
}
