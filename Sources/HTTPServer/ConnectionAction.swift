/// What ``ConnectionStateMachine`` asks of its connection, to be done in the order given.
///
/// Each is a socket call, a later turn of the queue or a call into route code: the protocol's decisions
/// have been taken, so the connection only carries them out.
enum ConnectionAction {
    /// Route the request: run its handler, or send the router's own answer back with ``ConnectionStateMachine/respond(_:now:)``.
    case dispatch(HTTPRequest, hasBody: Bool)
    /// Send `100 Continue`: the client holds the body back until the route starts reading it.
    case writeContinue
    /// Send the response's head, with `Connection: close` when `close`, and its body when `includeBody`
    /// (not for HEAD, 1xx, 204 or 304).
    case writeResponse(HTTPResponse, close: Bool, includeBody: Bool)
    /// Stop reading: enough input waits unparsed, or the client has sent FIN.
    case pauseReading
    /// Read again; nothing when reading already.
    case resumeReading
    /// Call ``ConnectionStateMachine/nextTurn(now:)`` on a later turn of the queue, so that a long
    /// pipeline of requests cannot deepen the stack.
    case parseOnNextTurn
    /// Give the route's body completion its result; an error it throws answers the request.
    case finishBody(BodyConsumer.Completion, Result<Int, Error>)
    /// The body cannot be read to its end. Answer with the error's problem unless the route already
    /// answered (only the exchange knows, as routes answer from other threads); if it had and
    /// `closeIfAnswered`, close at once. Then tell the route's completion.
    case failBody(BodyConsumer.Completion, Error, closeIfAnswered: Bool)
    /// A response has been written: report it to the access log; its exchange is over.
    case requestFinished(HTTPAccessLogEntry)
    /// Shut the write side but keep reading, so that unread input does not turn the close into a reset
    /// that destroys the response before the client reads it.
    case halfClose
    /// Close the socket: cancel the pending exchange, and tell a route still reading the body (`abandoning`)
    /// that the connection closed. Nothing after it is done.
    case close(abandoning: BodyConsumer.Completion?)
}
