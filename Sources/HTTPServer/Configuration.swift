import Foundation

/// Limits and deadlines of a server. Every limit has a status the client gets when it is exceeded.
public struct HTTPServerConfiguration: Sendable {
    /// A numeric IPv4 or IPv6 address or a host name; `::` listens on all interfaces.
    public var host: String
    /// 0 binds an ephemeral port; ``HTTPServer/start()`` returns the port bound.
    public var port: Int
    /// Connections the kernel completes before they are accepted. A burst beyond it has its SYNs
    /// dropped, and those clients (a health check among them) retry only after a second; the
    /// kernel caps it at net.core.somaxconn (4096 by default).
    public var backlog: Int32 = 4096
    /// Connections beyond this get a 503 and are closed, so that load cannot exhaust descriptors.
    public var maxConnections = 1024
    /// A longer request line gets 414 (long target) or 400.
    public var maxRequestLineBytes = 8 * 1024
    /// A larger header section gets 431.
    public var maxHeaderBytes = 16 * 1024
    /// More header fields get 431.
    public var maxHeaderCount = 100
    /// A larger body gets 413, decided from Content-Length before reading when there is one.
    public var maxBodyBytes = 64 * 1024 * 1024
    /// Time to receive a request head, counted from the connection or the request's first byte; then 408.
    public var headerTimeout: TimeInterval = 10
    /// Time without a body byte while a route reads the body; then 408.
    public var bodyIdleTimeout: TimeInterval = 30
    /// Time for a whole request (head and body) to arrive, from its first byte; then 408. It bounds
    /// how long a client that sends a byte now and then can hold a connection.
    public var readTimeout: TimeInterval = 60
    /// Time an idle persistent connection is kept open waiting for the next request.
    public var keepAliveTimeout: TimeInterval = 15
    /// Time without progress writing a response to a client that does not read; then the connection is closed.
    public var writeTimeout: TimeInterval = 30
    /// After an error response the server reads and drops input this long before closing,
    /// so the client receives the response rather than a reset.
    public var lingerTimeout: TimeInterval = 2
    /// Serial queues the connections are spread over; a few suffice because no work on them blocks.
    public var ioQueueCount = max(2, ProcessInfo.processInfo.activeProcessorCount)

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
