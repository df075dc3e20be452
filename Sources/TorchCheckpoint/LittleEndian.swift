/// Bounds-checked little-endian fields, for the zip records and legacy storage headers read from the file.
extension UnsafeRawBufferPointer {
    func littleEndian(at offset: Int, size: Int, _ what: @autoclosure () -> String) throws -> UInt64 {
        guard offset >= 0, size <= 8, offset <= count - size else {
            throw FormatError("truncated file: \(what()) at offset \(offset) needs \(size) bytes, but the file is "
                + "\(count) bytes")
        }
        return self[offset..<offset + size].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A file-derived 64-bit size or offset, which must fit in `Int` before any arithmetic.
    func offsetField(at offset: Int, size: Int, _ what: @autoclosure () -> String) throws -> Int {
        let value = try littleEndian(at: offset, size: size, what())
        guard value <= UInt64(Int.max) else { throw FormatError("corrupt \(what()) at offset \(offset): \(value)") }
        return Int(value)
    }
}
