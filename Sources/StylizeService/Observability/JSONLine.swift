import Glibc

/// One log record as a JSON object on one line, built by hand: no formatter or serializer is
/// created per line, so logging stays cheap on the queues that answer health checks.
enum JSONLine {
    /// `{"time":…,"level":…,"logger":…,"message":…, fields…}` and a newline; keys in the given order.
    static func record(level: String, label: String, message: String, fields: [(String, String)]) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(128 + message.utf8.count + fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 6 })
        line += Array(#"{"time":""#.utf8)
        appendTimestamp(to: &line)
        line.append(UInt8(ascii: "\""))
        for (key, value) in [("level", level), ("logger", label), ("message", message)] + fields {
            line.append(UInt8(ascii: ","))
            appendString(key, to: &line)
            line.append(UInt8(ascii: ":"))
            appendString(value, to: &line)
        }
        line += Array("}\n".utf8)
        return line
    }

    /// UTC, ISO 8601 with milliseconds: `2026-12-02T06:30:01.123Z`.
    private static func appendTimestamp(to line: inout [UInt8]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ count: Int) {
            var text = [UInt8](repeating: UInt8(ascii: "0"), count: count)
            var rest = value
            for index in stride(from: count - 1, through: 0, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            line += text
        }
        digits(parts.tm_year + 1900, 4); line.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2); line.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2); line.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2); line.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2); line.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2); line.append(UInt8(ascii: "."))
        digits(Int32(now.tv_nsec / 1_000_000), 3); line.append(UInt8(ascii: "Z"))
    }

    /// A JSON string: quotes, backslashes and control bytes escaped (RFC 8259 §7).
    static func appendString(_ text: String, to line: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        line.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): line += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): line += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): line += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): line += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): line += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20, 0x7f:
                line += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]]
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}
