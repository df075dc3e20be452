/// Decodes a `Transfer-Encoding: chunked` body incrementally (RFC 9112 §7.1).
///
/// Chunk extensions are skipped and trailer fields are read and dropped;
/// the decoder stops at the end of the body so pipelined bytes stay unread.
struct ChunkedDecoder {
    private enum State {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
        case done
    }

    let maxBodyBytes: Int
    /// Bounds a chunk-size line with extensions, and the trailer section.
    let maxLineBytes: Int
    private var state = State.size
    private var line: [UInt8] = []
    private var trailerBytes = 0
    private(set) var bodyBytes = 0

    init(maxBodyBytes: Int, maxLineBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxLineBytes = maxLineBytes
    }

    var isDone: Bool {
        if case .done = state { return true }
        return false
    }

    /// Consumes what it can of `input`, passing body data to `emit`; returns the number of bytes consumed.
    mutating func decode(_ input: ArraySlice<UInt8>, emit: (ArraySlice<UInt8>) throws -> Void) throws -> Int {
        var index = input.startIndex
        while index < input.endIndex {
            switch state {
            case .size:
                guard let lineEnd = try takeLine(input, from: &index) else { continue }
                let size = try Self.chunkSize(lineEnd)
                guard size <= maxBodyBytes - bodyBytes else {
                    throw Problem(.contentTooLarge, detail: "The body must be at most \(maxBodyBytes) bytes.")
                }
                bodyBytes += size
                state = size == 0 ? .trailers : .data(remaining: size)
            case .data(let remaining):
                let end = min(input.endIndex, index + remaining)
                try emit(input[index..<end])
                state = remaining - (end - index) == 0 ? .dataEnd : .data(remaining: remaining - (end - index))
                index = end
            case .dataEnd:
                guard let lineEnd = try takeLine(input, from: &index) else { continue }
                guard lineEnd.isEmpty else {
                    throw Problem(.badRequest, detail: "A chunk is longer than its declared size.")
                }
                state = .size
            case .trailers:
                guard let trailer = try takeLine(input, from: &index) else { continue }
                trailerBytes += trailer.count + 2
                guard trailerBytes <= maxLineBytes else {
                    throw Problem(.requestHeaderFieldsTooLarge, detail: "The trailer section is larger than \(maxLineBytes) bytes.")
                }
                if trailer.isEmpty { state = .done }
            case .done:
                return index - input.startIndex
            }
        }
        return index - input.startIndex
    }

    /// Accumulates one line; returns it without CRLF once complete, nil when more input is needed.
    private mutating func takeLine(_ input: ArraySlice<UInt8>, from index: inout Int) throws -> [UInt8]? {
        let newline = input[index...].firstIndex(of: .lf)
        line.append(contentsOf: input[index..<(newline ?? input.endIndex)])
        guard line.count <= maxLineBytes else {
            throw Problem(.badRequest, detail: "A chunk-size or trailer line is longer than \(maxLineBytes) bytes.")
        }
        guard let newline else {
            index = input.endIndex
            return nil
        }
        index = newline + 1
        defer { line.removeAll(keepingCapacity: true) }
        return line.last == .cr ? Array(line.dropLast()) : line
    }

    /// `chunk-size [ chunk-ext ]`: hexadecimal digits, then anything after `;` is ignored.
    private static func chunkSize(_ line: [UInt8]) throws -> Int {
        var digits = line.prefix { $0 != .semicolon }[...]
        while let last = digits.last, last == .space || last == .tab { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 15 else {
            throw Problem(.badRequest, detail: "A chunk size is missing or too long.")
        }
        var size = 0
        for digit in digits {
            guard let value = hexValue(digit) else {
                throw Problem(.badRequest, detail: "A chunk size is not hexadecimal.")
            }
            size = size << 4 | Int(value)
        }
        return size
    }
}
