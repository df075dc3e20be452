/// The Content-Disposition of a form-data part (RFC 7578 §4.2): the field name and an optional file name.
public struct ContentDisposition: Hashable, Sendable {
    /// `form-data` for the parts of a form.
    public let type: String
    public let name: String?
    /// `filename*` (RFC 8187) when given, else `filename`.
    public let filename: String?

    public init?(_ headerValue: String) {
        guard let parsed = HeaderParameters(headerValue) else { return nil }
        type = parsed.value
        name = parsed["name"]
        filename = parsed["filename*"].flatMap(Self.decodeExtendedValue) ?? parsed["filename"]
    }

    /// `charset'language'percent-encoded` with UTF-8 or ISO-8859-1 (RFC 8187 §3.2).
    static func decodeExtendedValue(_ text: String) -> String? {
        let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        var bytes: [UInt8] = []
        var encoded = Array(pieces[2].utf8)[...]
        while let byte = encoded.popFirst() {
            if byte == UInt8(ascii: "%") {
                guard encoded.count >= 2, let high = hexValue(encoded[encoded.startIndex]),
                      let low = hexValue(encoded[encoded.startIndex + 1]) else { return nil }
                bytes.append(high << 4 | low)
                encoded = encoded.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        switch pieces[0].lowercased() {
        case "utf-8": return String(validating: bytes, as: UTF8.self)
        case "iso-8859-1": return String(bytes.map { Character(Unicode.Scalar($0)) })
        default: return nil
        }
    }
}
