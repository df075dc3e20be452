/// A streaming multipart/form-data parser (RFC 7578, RFC 2046 §5.1).
///
/// Feed it body bytes as they arrive, split anywhere; it keeps only an unfinished
/// delimiter or part header between calls, and each part's content once.
/// Not thread-safe: feed it from one queue, as the server's body callbacks are.
/// After it throws, the body is refused; the parser is not meant to be fed again.
public final class MultipartParser {
    private enum State {
        case preamble
        /// After a delimiter: `--` ends the body, else optional whitespace and CRLF start a part.
        case delimiterEnd
        case partHeaders
        case partBody
        case epilogue
    }

    public let limits: MultipartLimits
    /// The body's length when the request states it: a file part's storage is then allocated
    /// once, at the most the rest of the body can hold, instead of growing by copies.
    public var expectedBodyBytes: Int?
    /// The parts completed so far, in order.
    public private(set) var parts: [MultipartPart] = []

    /// `CRLF--boundary`: the delimiter as it appears before every part and at the end.
    private let delimiter: [UInt8]
    private var state = State.preamble
    /// Bytes received but not yet placed: a possible partial delimiter, or an incomplete header section.
    private var pending: [UInt8]
    private var current: MultipartPart?
    private var totalBytes = 0

    /// Reads the boundary from a `multipart/form-data; boundary=...` Content-Type.
    public convenience init(contentType: String, limits: MultipartLimits = MultipartLimits()) throws {
        try self.init(boundary: MultipartParser.boundary(fromContentType: contentType), limits: limits)
    }

    public init(boundary: String, limits: MultipartLimits = MultipartLimits()) throws {
        try Self.validate(boundary: boundary)
        self.limits = limits
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may start the body without a preceding CRLF; supplying one makes it like the others.
        pending = [.cr, .lf]
    }

    /// The `boundary` parameter of a multipart/form-data media type.
    public static func boundary(fromContentType contentType: String) throws -> String {
        guard let parsed = HeaderParameters(contentType), parsed.value == "multipart/form-data" else {
            throw MultipartError.malformed("Content-Type must be multipart/form-data.")
        }
        guard let boundary = parsed["boundary"] else {
            throw MultipartError.malformed("The multipart/form-data Content-Type has no boundary parameter.")
        }
        try validate(boundary: boundary)
        return boundary
    }

    /// 1 to 70 characters from RFC 2046's `bchars`, not ending in a space.
    private static func validate(boundary: String) throws {
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8)
        guard (1...70).contains(boundary.utf8.count), boundary.utf8.allSatisfy(allowed.contains), boundary.last != " " else {
            throw MultipartError.malformed("The multipart boundary must be 1 to 70 letters, digits or '()+_,-./:=? characters.")
        }
    }

    /// Consumes the next piece of the body.
    public func feed<Bytes: Collection>(_ bytes: Bytes) throws where Bytes.Element == UInt8 {
        totalBytes += bytes.count
        guard totalBytes <= limits.maxTotalBytes else {
            throw MultipartError.tooLarge("The multipart body is larger than \(limits.maxTotalBytes) bytes.")
        }
        if case .epilogue = state { return }
        pending.append(contentsOf: bytes)
        var index = 0
        while try step(&index) {}
        pending.removeFirst(index)
    }

    /// Ends the body: returns every part, or throws if the final boundary never came.
    public func finish() throws -> [MultipartPart] {
        guard case .epilogue = state else {
            throw MultipartError.malformed("The multipart body ended before its final boundary '--\(String(decoding: delimiter.dropFirst(4), as: UTF8.self))--'.")
        }
        return parts
    }

    /// Advances through `pending` from `index`; false when more input is needed.
    private func step(_ index: inout Int) throws -> Bool {
        switch state {
        case .preamble:
            if let found = find(delimiter, from: index) {
                index = found + delimiter.count
                state = .delimiterEnd
                return true
            }
            index = max(index, pending.count - (delimiter.count - 1))
            return false
        case .delimiterEnd:
            return try delimiterEnd(&index)
        case .partHeaders:
            return try partHeaders(&index)
        case .partBody:
            let found = find(delimiter, from: index)
            let end = found ?? max(index, pending.count - (delimiter.count - 1))
            try appendToPart(pending[index..<end])
            index = end
            guard let found else { return false }
            if let part = current { parts.append(part) }
            current = nil
            index = found + delimiter.count
            state = .delimiterEnd
            return true
        case .epilogue:
            index = pending.count
            return false
        }
    }

    private func delimiterEnd(_ index: inout Int) throws -> Bool {
        var cursor = index
        while cursor < pending.count, pending[cursor] == .space || pending[cursor] == .tab { cursor += 1 }
        guard cursor - index <= 64 else { throw MultipartError.malformed("A boundary line has trailing garbage.") }
        guard cursor + 1 < pending.count else { return false }
        if cursor == index && pending[cursor] == UInt8(ascii: "-") && pending[cursor + 1] == UInt8(ascii: "-") {
            state = .epilogue
            index = pending.count
            return false
        }
        guard pending[cursor] == .cr && pending[cursor + 1] == .lf else {
            throw MultipartError.malformed("A boundary line must end with CRLF (after part \(parts.count)).")
        }
        guard parts.count < limits.maxParts else {
            throw MultipartError.tooLarge("The body has more than \(limits.maxParts) parts.")
        }
        index = cursor + 2
        state = .partHeaders
        return true
    }

    private func partHeaders(_ index: inout Int) throws -> Bool {
        let partNumber = parts.count + 1
        let end: Int
        if pending.count - index >= 2 && pending[index] == .cr && pending[index + 1] == .lf {
            end = index
        } else if let found = find([.cr, .lf, .cr, .lf], from: index) {
            end = found + 2
        } else {
            // A CR at the end may start the blank line, which a complete header section does not count.
            guard pending.count - index - (pending.last == .cr ? 1 : 0) <= limits.maxPartHeaderBytes else {
                throw MultipartError.tooLarge("The headers of part \(partNumber) are larger than \(limits.maxPartHeaderBytes) bytes.")
            }
            return false
        }
        guard end - index <= limits.maxPartHeaderBytes else {
            throw MultipartError.tooLarge("The headers of part \(partNumber) are larger than \(limits.maxPartHeaderBytes) bytes.")
        }
        current = try Self.makePart(headerBytes: pending[index..<end], number: partNumber)
        if let expected = expectedBodyBytes, let name = current?.name, maxBytes(ofPart: name) == limits.maxPartBytes {
            current?.body.reserveCapacity(max(0, min(expected - totalBytes + pending.count - end, limits.maxPartBytes)))
        }
        index = end + 2
        state = .partBody
        return true
    }

    private func appendToPart(_ bytes: ArraySlice<UInt8>) throws {
        guard var part = current, !bytes.isEmpty else { return }
        current = nil
        let limit = maxBytes(ofPart: part.name)
        guard part.body.count + bytes.count <= limit else {
            throw MultipartError.tooLarge("Part \(Problem.quoted(part.name)) is larger than \(limit) bytes.")
        }
        part.body.append(contentsOf: bytes)
        current = part
    }

    private func maxBytes(ofPart name: String) -> Int {
        limits.fileParts.isEmpty || limits.fileParts.contains(name) ? limits.maxPartBytes : limits.maxFieldBytes
    }

    /// Builds a part from its header lines; each needs a form-data Content-Disposition with a name.
    private static func makePart(headerBytes: ArraySlice<UInt8>, number: Int) throws -> MultipartPart {
        var headers = HTTPHeaders()
        var lineStart = headerBytes.startIndex
        while lineStart < headerBytes.endIndex {
            let lineEnd = headerBytes[lineStart...].firstIndex(of: .cr) ?? headerBytes.endIndex
            guard lineEnd + 1 < headerBytes.endIndex, headerBytes[lineEnd + 1] == .lf,
                  let (name, value) = try? RequestParser.parseField(headerBytes[lineStart..<lineEnd]) else {
                throw MultipartError.malformed("Part \(number) has a malformed header line.")
            }
            headers.add(name, value)
            lineStart = lineEnd + 2
        }
        guard let dispositionValue = headers["Content-Disposition"],
              let disposition = ContentDisposition(dispositionValue),
              disposition.type == "form-data", let name = disposition.name else {
            throw MultipartError.malformed("Part \(number) needs 'Content-Disposition: form-data; name=\"...\"'.")
        }
        return MultipartPart(name: name, filename: disposition.filename, contentType: headers["Content-Type"],
                             headers: headers, body: [])
    }

    /// The first occurrence of `needle` in `pending` at or after `start`.
    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, pending.count - start >= needle.count else { return nil }
        var position = start
        let last = pending.count - needle.count
        while position <= last {
            guard let candidate = pending[position...last].firstIndex(of: first) else { return nil }
            if pending[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate }
            position = candidate + 1
        }
        return nil
    }
}
