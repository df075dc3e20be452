import Glibc

/// A complete response. The server adds Content-Length, Date and Connection
/// itself, so a handler only states what is particular to its answer.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response.
    public init(status: HTTPStatus = .ok, text: String) {
        self.init(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// An `application/json` response from already encoded JSON.
    public init(status: HTTPStatus = .ok, json: [UInt8]) {
        self.init(status: status, headers: ["Content-Type": "application/json"], body: json)
    }

    /// An `application/problem+json` response whose status is the problem's.
    public init(problem: Problem) {
        self.init(status: problem.status, headers: ["Content-Type": "application/problem+json"], body: Array(problem.json.utf8))
        if let seconds = problem.retryAfter { headers.set("Retry-After", String(seconds)) }
    }

    /// The status line and header section as sent, with the framing headers this server owns.
    /// Content-Length is the body's length also for HEAD, whose body is not sent.
    func head(close: Bool) -> [UInt8] {
        var fields = headers
        for owned in ["Content-Length", "Transfer-Encoding", "Connection", "Date"] { fields.remove(owned) }
        var text = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        text += "Date: \(httpDate())\r\n"
        if !status.forbidsBody { text += "Content-Length: \(body.count)\r\n" }
        if close { text += "Connection: close\r\n" }
        for (name, value) in fields { text += "\(Self.stripLineBreaks(name)): \(Self.stripLineBreaks(value))\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// A value carrying CR or LF (say, a file name echoed back) must not be able to start a header of its own.
    private static func stripLineBreaks(_ text: String) -> String {
        guard text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}

/// The current time as an IMF-fixdate (RFC 9110 §5.6.7), formatted by hand
/// because it is needed on every response from any thread.
func httpDate(_ seconds: time_t = time(nil)) -> String {
    var clock = seconds
    var parts = tm()
    gmtime_r(&clock, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
}
