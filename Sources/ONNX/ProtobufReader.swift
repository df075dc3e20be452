/// Just enough of the protobuf wire format to walk an ONNX file: varints, fixed-width
/// numbers and length-delimited fields. Every read is bounds-checked, so a truncated or
/// corrupt file becomes an `ONNXError`, never a crash.
struct ProtobufReader {
    enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// The next field's number and wire type.
    mutating func field() throws -> (number: Int, type: WireType) {
        let key = try varint()
        guard let type = WireType(rawValue: key & 7), key >> 3 > 0 else {
            throw ONNXError.malformed("unsupported protobuf field key \(key)")
        }
        return (Int(key >> 3), type)
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            guard position < bytes.endIndex else { throw ONNXError.malformed("truncated varint") }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7f) << UInt64(shift)
            if byte < 0x80 { return result }
        }
        throw ONNXError.malformed("varint longer than 10 bytes")
    }

    mutating func signedVarint() throws -> Int64 { Int64(bitPattern: try varint()) }

    mutating func lengthDelimited() throws -> ArraySlice<UInt8> {
        let length = try varint()
        guard length <= UInt64(bytes.endIndex - position) else {
            throw ONNXError.malformed("field of \(length) bytes runs past the end of the file")
        }
        let start = position
        position += Int(length)
        return bytes[start..<position]
    }

    mutating func fixed32() throws -> UInt32 {
        guard bytes.endIndex - position >= 4 else { throw ONNXError.malformed("truncated fixed32") }
        defer { position += 4 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[position + $1]) << UInt32(8 * $1) }
    }

    mutating func string() throws -> String { String(decoding: try lengthDelimited(), as: UTF8.self) }

    /// Skips a field this reader does not use.
    mutating func skip(_ type: WireType) throws {
        switch type {
        case .varint: _ = try varint()
        case .lengthDelimited: _ = try lengthDelimited()
        case .fixed32: _ = try fixed32()
        case .fixed64:
            guard bytes.endIndex - position >= 8 else { throw ONNXError.malformed("truncated fixed64") }
            position += 8
        }
    }

    /// Repeated int64 in either encoding (packed, or one varint per field).
    mutating func appendInt64s(_ type: WireType, to values: inout [Int64]) throws {
        if type == .lengthDelimited {
            var packed = ProtobufReader(try lengthDelimited())
            while !packed.isAtEnd { values.append(try packed.signedVarint()) }
        } else {
            values.append(try signedVarint())
        }
    }

    /// Repeated float in either encoding.
    mutating func appendFloats(_ type: WireType, to values: inout [Float]) throws {
        if type == .lengthDelimited {
            var packed = ProtobufReader(try lengthDelimited())
            while !packed.isAtEnd { values.append(Float(bitPattern: try packed.fixed32())) }
        } else {
            values.append(Float(bitPattern: try fixed32()))
        }
    }
}
