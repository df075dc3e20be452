import HTTPServer

/// Which other origins' pages may call the service from a browser (CORS), and the headers that say so.
///
/// Added to every response, the server's own errors included, so that a page on another origin can
/// read a problem's `detail` and not just see an opaque network failure.
public struct CORSPolicy: Sendable, Equatable {
    /// Origins such as `https://app.example.com`; `*` allows every origin. Empty turns CORS off.
    public var allowedOrigins: [String]

    static let allowedHeaders = "Content-Type, X-Request-ID"
    static let exposedHeaders = "X-Request-ID, Retry-After, \(HTTPResponse.alphaHeader)"
    /// Seconds a browser may cache a preflight answer.
    static let preflightMaxAge = 600

    public init(allowedOrigins: [String] = []) {
        self.allowedOrigins = allowedOrigins
    }

    /// Reads a comma-separated list such as `https://a.example, https://b.example` or `*`.
    public init(list: String) {
        self.init(allowedOrigins: list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty })
    }

    /// `*`, or an origin as browsers send it: a scheme and host, an optional port, no path or trailing slash.
    static func isValidOrigin(_ origin: String) -> Bool {
        if origin == "*" { return true }
        guard let separator = origin.range(of: "://") else { return false }
        let host = origin[separator.upperBound...]
        return !origin[..<separator.lowerBound].isEmpty && !host.isEmpty && !host.contains("/")
    }

    var isEnabled: Bool { !allowedOrigins.isEmpty }
    private var allowsAny: Bool { allowedOrigins.contains("*") }

    /// The value of Access-Control-Allow-Origin for a request from `origin`, nil when it is not allowed.
    func allowedOrigin(_ origin: String?) -> String? {
        if allowsAny { return "*" }
        guard let origin, allowedOrigins.contains(origin) else { return nil }
        return origin
    }

    /// Adds the CORS headers of an ordinary (non-preflight) response.
    func decorate(_ response: inout HTTPResponse, requestHeaders: HTTPHeaders) {
        guard isEnabled else { return }
        // The answer depends on Origin unless every origin gets the same one; caches must know.
        if !allowsAny { response.headers.add("Vary", "Origin") }
        guard let allowed = allowedOrigin(requestHeaders["Origin"]) else { return }
        response.headers.set("Access-Control-Allow-Origin", allowed)
        response.headers.set("Access-Control-Expose-Headers", Self.exposedHeaders)
    }

    /// The answer to `OPTIONS` on a path that serves `methods`: a CORS preflight from an allowed origin
    /// is granted (204 with the methods and headers it may use); any other OPTIONS request gets 204 with Allow.
    func preflight(_ request: HTTPRequest, methods: [String]) -> HTTPResponse {
        let allow = methods.joined(separator: ", ")
        var response = HTTPResponse(status: .noContent, headers: ["Allow": allow])
        guard request.headers["Access-Control-Request-Method"] != nil,
              allowedOrigin(request.headers["Origin"]) != nil else { return response }
        response.headers.set("Access-Control-Allow-Methods", allow)
        response.headers.set("Access-Control-Allow-Headers", Self.allowedHeaders)
        response.headers.set("Access-Control-Max-Age", String(Self.preflightMaxAge))
        return response
    }
}
