/// An RFC 9457 problem detail: the body of every error this server sends,
/// and the error type an application throws or sends for its own failures.
///
/// Throwing a `Problem` from a handler or a body callback answers the request
/// with it, so a handler does not need a separate error path.
public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
    public var type: String
    public var title: String
    public var status: HTTPStatus
    /// What the client should change to succeed.
    public var detail: String
    /// Seconds after which a retry may succeed, sent as `Retry-After` (a 503 for a full server).
    public var retryAfter: Int?

    public init(_ status: HTTPStatus, detail: String, title: String? = nil, type: String = "about:blank",
                retryAfter: Int? = nil) {
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.status = status
        self.detail = detail
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(title): \(detail)" }

    /// What a client sent, quoted for a detail: its first `limit` characters, and its length when
    /// it is longer, so that an error never echoes back more than a short prefix of a request.
    public static func quoted(_ text: String, limit: Int = 40) -> String {
        guard text.count > limit else { return "'\(text)'" }
        return "'\(text.prefix(limit))…' (\(text.utf8.count) bytes)"
    }

    /// The `application/problem+json` body with members in a stable order.
    public var json: String {
        "{\"type\":\(jsonString(type)),\"title\":\(jsonString(title)),\"status\":\(status.code),\"detail\":\(jsonString(detail))}"
    }
}

/// An error that knows which problem to answer with (for example a multipart limit, 413).
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}

/// Escapes a string as a JSON string literal (RFC 8259 §7).
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
