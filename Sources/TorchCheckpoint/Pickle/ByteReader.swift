/// Bounds-checked reading, so a corrupt length or offset in a pickle becomes an error instead of a crash.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    let name: String
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, name: String, position: Int) {
        self.bytes = bytes
        self.name = name
        self.position = position
    }

    mutating func take(_ count: Int, for what: String) throws -> UnsafeRawBufferPointer {
        let remaining = bytes.count - position
        guard count >= 0, count <= remaining else {
            throw FormatError("corrupt pickle \(name): \(what) at offset \(position) needs \(count) bytes, "
                + "but only \(max(remaining, 0)) remain")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    mutating func byte(for what: String) throws -> UInt8 {
        try take(1, for: what)[0]
    }

    mutating func littleEndian(_ size: Int, for what: String) throws -> UInt64 {
        let raw = try take(size, for: what)
        return raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Reads a length field and checks it fits in the rest of the pickle before anything is allocated.
    mutating func length(_ size: Int, for what: String) throws -> Int {
        let start = position
        let value = try littleEndian(size, for: what)
        guard value <= UInt64(bytes.count - position) else {
            throw FormatError("corrupt pickle \(name): \(what) at offset \(start) has length \(value), "
                + "but only \(bytes.count - position) bytes remain")
        }
        return Int(value)
    }

    mutating func line(for what: String) throws -> String {
        let start = position
        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            throw FormatError("corrupt pickle \(name): \(what) at offset \(start) has no end of line")
        }
        position = end + 1
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
