/// A parsed request line and header section.
struct RequestHead {
    var method: String
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
}

/// How the body of a request is delimited (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
}

/// Parses a request head incrementally from the bytes received so far.
///
/// The connection keeps appending to one buffer and calls `parse` after each
/// read; the parser remembers how far it has looked, so a slow client costs
/// linear time, and it enforces the size limits before the head is complete.
struct RequestParser {
    enum Outcome {
        case needMore
        /// The head and how many bytes of the buffer it took.
        case head(RequestHead, consumed: Int)
        case failure(Problem)
    }

    let maxRequestLineBytes: Int
    let maxHeaderBytes: Int
    let maxHeaderCount: Int

    /// Offsets relative to the start of the buffer passed to `parse`.
    private var scanned = 0
    private var lineStart = 0
    private var headerStart = 0
    private var lines: [Range<Int>] = []

    init(maxRequestLineBytes: Int, maxHeaderBytes: Int, maxHeaderCount: Int) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
    }

    /// Whether any byte of a head has been received (blank lines before a request do not count).
    var hasStarted: Bool { !lines.isEmpty || scanned > lineStart }

    mutating func reset() {
        self = RequestParser(maxRequestLineBytes: maxRequestLineBytes, maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount)
    }

    /// `buffer` must start where the previous call's buffer started and only have grown.
    mutating func parse(_ buffer: ArraySlice<UInt8>) -> Outcome {
        let base = buffer.startIndex
        while scanned < buffer.count {
            guard let newline = buffer[(base + scanned)...].firstIndex(of: .lf) else {
                scanned = buffer.count
                break
            }
            let end = newline - base
            scanned = end + 1
            let contentEnd = end > lineStart && buffer[base + end - 1] == .cr ? end - 1 : end
            let line = lineStart..<contentEnd
            lineStart = scanned
            if lines.isEmpty {
                if line.isEmpty {
                    // A client may send a stray CRLF after a body (RFC 9112 §2.2); a flood of them is not a request.
                    guard scanned <= maxRequestLineBytes else {
                        return .failure(Problem(.badRequest, detail: "Expected a request line, got only empty lines."))
                    }
                    headerStart = scanned
                    continue
                }
                if line.count > maxRequestLineBytes { return .failure(requestLineTooLong(buffer[(base + line.lowerBound)...])) }
                lines.append(line)
                headerStart = scanned
                continue
            }
            if scanned - headerStart > maxHeaderBytes + 2 { return .failure(headersTooLarge()) }
            if line.isEmpty {
                return makeHead(buffer, consumed: scanned)
            }
            if lines.count > maxHeaderCount {
                return .failure(Problem(.requestHeaderFieldsTooLarge, detail: "Send at most \(maxHeaderCount) header fields."))
            }
            lines.append(line)
        }
        if lines.isEmpty {
            // A CR at the end may be the start of the line's CRLF, which a complete line does not count.
            let pending = buffer.count - lineStart - (buffer.last == .cr ? 1 : 0)
            if pending > maxRequestLineBytes { return .failure(requestLineTooLong(buffer[(base + lineStart)...])) }
        } else if buffer.count - headerStart > maxHeaderBytes + 2 {
            return .failure(headersTooLarge())
        }
        return .needMore
    }

    /// 414 when the target is what makes the line long, 400 for anything else that long.
    private func requestLineTooLong(_ line: ArraySlice<UInt8>) -> Problem {
        let prefix = line.prefix(maxRequestLineBytes + 1)
        if let space = prefix.firstIndex(of: .space), space > prefix.startIndex,
           prefix[..<space].allSatisfy(\.isTokenCharacter),
           !prefix[(space + 1)...].contains(.space) {
            return Problem(.uriTooLong, detail: "The request target is longer than \(maxRequestLineBytes) bytes; send a shorter URL.")
        }
        return Problem(.badRequest, detail: "The request line is longer than \(maxRequestLineBytes) bytes.")
    }

    private func headersTooLarge() -> Problem {
        Problem(.requestHeaderFieldsTooLarge, detail: "The header section is larger than \(maxHeaderBytes) bytes.")
    }

    private func makeHead(_ buffer: ArraySlice<UInt8>, consumed: Int) -> Outcome {
        let base = buffer.startIndex
        func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> { buffer[(base + range.lowerBound)..<(base + range.upperBound)] }
        do {
            var head = try Self.parseRequestLine(bytes(lines[0]))
            for line in lines.dropFirst() {
                let (name, value) = try Self.parseField(bytes(line))
                head.headers.add(name, value)
            }
            return .head(head, consumed: consumed)
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            return .failure(Problem(.badRequest, detail: "The request head is malformed."))
        }
    }

    /// `method SP request-target SP HTTP-version` (RFC 9112 §3).
    static func parseRequestLine(_ line: ArraySlice<UInt8>) throws -> RequestHead {
        let parts = line.split(separator: .space, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw Problem(.badRequest, detail: "The request line must be 'METHOD target HTTP/1.1' with single spaces.")
        }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard !method.isEmpty, method.allSatisfy(\.isTokenCharacter) else {
            throw Problem(.badRequest, detail: "The method is not a valid token.")
        }
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Problem(.badRequest, detail: "The request target is empty or contains spaces or control characters.")
        }
        let targetText = String(decoding: target, as: UTF8.self)
        guard targetText.hasPrefix("/") || targetText.contains("://") || (targetText == "*" && method.elementsEqual("OPTIONS".utf8)) else {
            throw Problem(.badRequest, detail: "The request target must be an absolute path such as '/v1/resource'.")
        }
        return RequestHead(method: String(decoding: method, as: UTF8.self), target: targetText,
                           version: try parseVersion(version), headers: HTTPHeaders())
    }

    /// `HTTP/1.0` and `HTTP/1.1` are served; any other well-formed version is 505.
    static func parseVersion(_ text: ArraySlice<UInt8>) throws -> HTTPVersion {
        let bytes = Array(text)
        guard bytes.count == 8, bytes.starts(with: Array("HTTP/".utf8)), bytes[6] == UInt8(ascii: "."),
              let major = decimalDigit(bytes[5]), let minor = decimalDigit(bytes[7]) else {
            throw Problem(.badRequest, detail: "The protocol version must be 'HTTP/1.1' or 'HTTP/1.0'.")
        }
        let version = HTTPVersion(major: major, minor: minor)
        guard version == .http1_1 || version == .http1_0 else {
            throw Problem(.httpVersionNotSupported, detail: "\(version) is not supported; use HTTP/1.1.")
        }
        return version
    }

    /// `field-name ":" OWS field-value OWS` (RFC 9112 §5); folded lines are rejected as RFC 9112 §5.2 allows.
    static func parseField(_ line: ArraySlice<UInt8>) throws -> (String, String) {
        if let first = line.first, first == .space || first == .tab {
            throw Problem(.badRequest, detail: "Header lines must not start with whitespace (obsolete line folding).")
        }
        guard let colon = line.firstIndex(of: .colon) else {
            throw Problem(.badRequest, detail: "A header line has no colon.")
        }
        let name = line[..<colon]
        guard !name.isEmpty, name.allSatisfy(\.isTokenCharacter) else {
            throw Problem(.badRequest, detail: "A header name is empty or contains characters that are not allowed (whitespace before ':' included).")
        }
        let value = line[(colon + 1)...]
        guard value.allSatisfy({ $0 == .tab || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw Problem(.badRequest, detail: "The value of header \(Problem.quoted(String(decoding: name, as: UTF8.self))) contains control characters.")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self).trimmingOWS())
    }

    private static func decimalDigit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}

extension RequestHead {
    /// Decides how the body is framed, refusing the ambiguous framings used for request smuggling.
    func bodyFraming(maxBodyBytes: Int) throws(Problem) -> BodyFraming {
        let transferCodings = headers.tokens("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if headers.contains("Transfer-Encoding") {
            guard lengths.isEmpty else {
                throw Problem(.badRequest, detail: "Send either Content-Length or Transfer-Encoding, not both.")
            }
            guard transferCodings.last == "chunked" else {
                throw Problem(.badRequest, detail: "Transfer-Encoding must end with 'chunked'.")
            }
            guard transferCodings.count == 1 else {
                throw Problem(.notImplemented, detail: "Only 'Transfer-Encoding: chunked' is supported.")
            }
            return .chunked
        }
        if !lengths.isEmpty {
            let values = Set(lengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingOWS() })
            guard values.count == 1, let text = values.first, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw Problem(.badRequest, detail: "Content-Length must be a single decimal number.")
            }
            guard let length = Int(text), length <= maxBodyBytes else {
                throw Problem(.contentTooLarge, detail: "The body must be at most \(maxBodyBytes) bytes.")
            }
            return length == 0 ? .none : .length(length)
        }
        if method == "POST" || method == "PUT" {
            throw Problem(.lengthRequired, detail: "Send Content-Length or 'Transfer-Encoding: chunked' with a \(Problem.quoted(method)) body.")
        }
        return .none
    }

    /// Whether the client waits for `100 Continue`; unknown expectations are refused (RFC 9110 §10.1.1).
    func expectsContinue() throws(Problem) -> Bool {
        let expectations = headers.tokens("Expect")
        guard version == .http1_1, !expectations.isEmpty else { return false }
        guard expectations == ["100-continue"] else {
            throw Problem(.expectationFailed, detail: "Only 'Expect: 100-continue' is supported.")
        }
        return true
    }

    /// Persistent by default in 1.1; in 1.0 only when asked for (RFC 9112 §9.3). A 1.0 request
    /// with Transfer-Encoding is never persistent: an intermediary that does not know chunked
    /// could frame what follows differently, so the connection closes after the response (RFC 9112 §6.1).
    var keepAlive: Bool {
        let options = headers.tokens("Connection")
        if options.contains("close") { return false }
        if version == .http1_0 && headers.contains("Transfer-Encoding") { return false }
        return version == .http1_1 || options.contains("keep-alive")
    }

    /// HTTP/1.1 requests must name exactly one Host (RFC 9112 §3.2).
    func validateHost() throws(Problem) {
        let hosts = headers.values("Host")
        if version == .http1_1 && hosts.count != 1 || hosts.count > 1 {
            throw Problem(.badRequest, detail: "Send exactly one Host header.")
        }
    }
}

extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")

    /// `tchar` of RFC 9110 §5.6.2.
    var isTokenCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(self)
        }
    }
}
