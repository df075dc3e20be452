/// The protocol version of a request; only 1.0 and 1.1 are served.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// One `name=value` pair of a query string, percent-decoded.
public struct QueryItem: Hashable, Sendable {
    public let name: String
    public let value: String
}

/// A request head as the client sent it; the body is read through ``HTTPExchange``.
public struct HTTPRequest: Sendable {
    public let method: String
    /// The request target exactly as sent, query included.
    public let target: String
    /// The path part of the target, still percent-encoded, so that routing sees what the client sent.
    public let path: String
    /// The query string without `?`, still percent-encoded; empty when there is none.
    public let rawQuery: String
    /// The query split into percent-decoded items, `+` read as a space as HTML forms send it.
    public let query: [QueryItem]
    public let version: HTTPVersion
    public let headers: HTTPHeaders
    /// The peer's numeric address, such as `127.0.0.1:53211` or `[::1]:53211`.
    public let remoteAddress: String

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders, remoteAddress: String) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.remoteAddress = remoteAddress
        let (path, query) = HTTPRequest.splitTarget(target)
        self.path = path
        self.rawQuery = query
        self.query = HTTPRequest.parseQuery(query)
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Content-Length as a number, when the request has one.
    public var contentLength: Int? {
        headers["Content-Length"].flatMap { Int($0.split(separator: ",").first?.trimmingOWS() ?? "") }
    }

    /// Splits origin-form (`/p?q`) and absolute-form (`http://h/p?q`) targets (RFC 9112 §3.2).
    static func splitTarget(_ target: String) -> (path: String, query: String) {
        var rest = Substring(target)
        if let scheme = rest.range(of: "://"), !rest.hasPrefix("/") {
            let afterAuthority = rest[scheme.upperBound...]
            rest = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterAuthority[$0...] } ?? ""
        }
        let pathAndQuery = rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? ""
        return (path.isEmpty ? "/" : path, parts.count > 1 ? String(parts[1]) : "")
    }

    static func parseQuery(_ query: String) -> [QueryItem] {
        query.split(separator: "&").map { pair in
            let nameAndValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = nameAndValue.count > 1 ? nameAndValue[1] : ""
            return QueryItem(name: percentDecode(nameAndValue[0]), value: percentDecode(value))
        }
    }

    /// Decodes `%XX` escapes and `+`; a malformed escape is kept as it is rather than rejected.
    static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                      let high = hexValue(iterator[iterator.startIndex]),
                      let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}
