/// Takes the body of one request out of the inbound bytes according to its framing.
struct BodyReader {
    private var remaining: Int
    private var decoder: ChunkedDecoder?
    private(set) var bytesRead = 0

    init(framing: BodyFraming, maxBodyBytes: Int, maxLineBytes: Int) {
        switch framing {
        case .none: remaining = 0
        case .length(let length): remaining = length
        case .chunked:
            remaining = 0
            decoder = ChunkedDecoder(maxBodyBytes: maxBodyBytes, maxLineBytes: maxLineBytes)
        }
    }

    var isComplete: Bool { decoder?.isDone ?? (remaining == 0) }

    /// Passes body data from `input` to `emit` and returns how many input bytes were used (framing included).
    mutating func read(_ input: ArraySlice<UInt8>, emit: (ArraySlice<UInt8>) throws -> Void) throws -> Int {
        if var chunked = decoder {
            defer { decoder = chunked }
            let consumed = try chunked.decode(input) { data in
                try emit(data)
            }
            bytesRead = chunked.bodyBytes
            return consumed
        }
        let take = min(remaining, input.count)
        if take > 0 { try emit(input.prefix(take)) }
        remaining -= take
        bytesRead += take
        return take
    }
}
