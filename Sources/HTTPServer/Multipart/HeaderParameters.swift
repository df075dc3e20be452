/// A header value of the form `value; name=token; name="quoted \"string\""`, as
/// Content-Type (RFC 9110 §5.6.6) and Content-Disposition (RFC 6266) use it.
struct HeaderParameters {
    /// The value before the first `;`, lowercased (a media type or disposition type).
    let value: String
    /// Parameter names lowercased, values unquoted and unescaped, in order.
    let parameters: [(name: String, value: String)]

    /// The first value of a parameter.
    subscript(name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Nil when the text is not well formed (an unterminated quote, a parameter without `=`).
    init?(_ text: String) {
        var scanner = Substring(text)
        guard let first = Self.token(&scanner, until: ";") else { return nil }
        value = first.lowercased()
        var parameters: [(String, String)] = []
        while !scanner.isEmpty {
            guard scanner.first == ";" else { return nil }
            scanner.removeFirst()
            Self.skipWhitespace(&scanner)
            if scanner.isEmpty { break }
            guard let equals = scanner.firstIndex(of: "=") else { return nil }
            let name = scanner[..<equals].trimmingOWS().lowercased()
            guard !name.isEmpty, name.utf8.allSatisfy(\.isTokenCharacter) else { return nil }
            scanner = scanner[scanner.index(after: equals)...]
            Self.skipWhitespace(&scanner)
            if scanner.first == "\"" {
                guard let quoted = Self.quotedString(&scanner) else { return nil }
                parameters.append((name, quoted))
                Self.skipWhitespace(&scanner)
            } else {
                guard let token = Self.token(&scanner, until: ";") else { return nil }
                parameters.append((name, token))
            }
        }
        self.parameters = parameters
    }

    private static func skipWhitespace(_ scanner: inout Substring) {
        while let first = scanner.first, first == " " || first == "\t" { scanner.removeFirst() }
    }

    private static func token(_ scanner: inout Substring, until separator: Character) -> String? {
        let end = scanner.firstIndex(of: separator) ?? scanner.endIndex
        let token = scanner[..<end].trimmingOWS()
        scanner = scanner[end...]
        return token.isEmpty ? nil : token
    }

    /// A quoted-string with backslash escapes (RFC 9110 §5.6.4); the scanner starts at the opening quote.
    private static func quotedString(_ scanner: inout Substring) -> String? {
        scanner.removeFirst()
        var result = ""
        while let character = scanner.popFirst() {
            switch character {
            case "\"": return result
            case "\\":
                guard let escaped = scanner.popFirst() else { return nil }
                result.append(escaped)
            default: result.append(character)
            }
        }
        return nil
    }
}
