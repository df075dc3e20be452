/// What the server reports after each response is written, for access logs and metrics.
public struct HTTPAccessLogEntry: Sendable {
    /// Empty when the request line could not be parsed.
    public let method: String
    public let target: String
    public let status: HTTPStatus
    /// Head and body bytes read for this request.
    public let bytesIn: Int
    /// Bytes written for this request, `100 Continue` included.
    public let bytesOut: Int
    /// Seconds from the complete head to the last byte written.
    public let duration: Double
    /// The request's headers, for example to log an X-Request-ID.
    public let requestHeaders: HTTPHeaders
    /// The response's own headers (not the framing ones the server adds), for example the X-Request-ID it echoed.
    public let responseHeaders: HTTPHeaders
    public let remoteAddress: String
}
