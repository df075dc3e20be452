import Foundation

/// The parts of an ONNX model (onnx.proto3) that the Magenta graphs use: the graph's nodes,
/// attributes, named inputs and outputs, and initializers with float, int8, int32 or int64 data.
public struct ONNXModel: Sendable {
    public struct Node: Sendable {
        public let opType: String
        public let domain: String
        public let name: String
        public let inputs: [String]
        public let outputs: [String]
        public let attributes: [String: Attribute]
    }

    public enum Attribute: Sendable, Equatable {
        case int(Int64)
        case float(Float)
        case string(String)
        case ints([Int64])
        case floats([Float])
        case other
    }

    /// A constant tensor. Integer data is kept as integers so that dequantisation can follow
    /// ONNX's arithmetic exactly.
    public struct Initializer: Sendable {
        public enum Values: Sendable {
            case float([Float])
            case int8([Int8])
            case int32([Int32])
            case int64([Int64])
        }

        public let shape: [Int]
        public let values: Values

        public var count: Int {
            switch values {
            case let .float(v): return v.count
            case let .int8(v): return v.count
            case let .int32(v): return v.count
            case let .int64(v): return v.count
            }
        }
    }

    public let nodes: [Node]
    public let initializers: [String: Initializer]
    /// Graph inputs that are not initializers, in order.
    public let inputs: [String]
    public let outputs: [String]

    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw ONNXError(file: url.path, message: "cannot read the file: \(error.localizedDescription)")
        }
        do {
            try self.init(bytes: [UInt8](data))
        } catch var error as ONNXError {
            error.file = url.path
            throw error
        }
    }

    public init(bytes: [UInt8]) throws {
        var reader = ProtobufReader(bytes[...])
        var graph: ArraySlice<UInt8>?
        while !reader.isAtEnd {
            let (number, type) = try reader.field()
            if number == 7, type == .lengthDelimited { graph = try reader.lengthDelimited() } else { try reader.skip(type) }
        }
        guard let graph else { throw ONNXError.malformed("no graph") }
        var nodes: [Node] = []
        var initializers: [String: Initializer] = [:]
        var inputs: [String] = []
        var outputs: [String] = []
        var graphReader = ProtobufReader(graph)
        while !graphReader.isAtEnd {
            let (number, type) = try graphReader.field()
            switch (number, type) {
            case (1, .lengthDelimited): nodes.append(try Self.node(try graphReader.lengthDelimited()))
            case (5, .lengthDelimited):
                let (name, initializer) = try Self.initializer(try graphReader.lengthDelimited())
                initializers[name] = initializer
            case (11, .lengthDelimited): inputs.append(try Self.valueName(try graphReader.lengthDelimited()))
            case (12, .lengthDelimited): outputs.append(try Self.valueName(try graphReader.lengthDelimited()))
            default: try graphReader.skip(type)
            }
        }
        guard !nodes.isEmpty, !outputs.isEmpty else { throw ONNXError.malformed("the graph has no nodes or no outputs") }
        self.nodes = nodes
        self.initializers = initializers
        self.inputs = inputs.filter { initializers[$0] == nil }
        self.outputs = outputs
    }

    private static func node(_ bytes: ArraySlice<UInt8>) throws -> Node {
        var reader = ProtobufReader(bytes)
        var inputs: [String] = [], outputs: [String] = [], attributes: [String: Attribute] = [:]
        var name = "", opType = "", domain = ""
        while !reader.isAtEnd {
            let (number, type) = try reader.field()
            switch (number, type) {
            case (1, .lengthDelimited): inputs.append(try reader.string())
            case (2, .lengthDelimited): outputs.append(try reader.string())
            case (3, .lengthDelimited): name = try reader.string()
            case (4, .lengthDelimited): opType = try reader.string()
            case (5, .lengthDelimited):
                let (key, value) = try attribute(try reader.lengthDelimited())
                attributes[key] = value
            case (7, .lengthDelimited): domain = try reader.string()
            default: try reader.skip(type)
            }
        }
        guard !opType.isEmpty, !outputs.isEmpty else { throw ONNXError.malformed("a node without an operator or outputs") }
        return Node(opType: opType, domain: domain, name: name, inputs: inputs, outputs: outputs, attributes: attributes)
    }

    private static func attribute(_ bytes: ArraySlice<UInt8>) throws -> (String, Attribute) {
        var reader = ProtobufReader(bytes)
        var name = ""
        var int: Int64?, float: Float?, string: String?
        var ints: [Int64] = [], floats: [Float] = []
        var declared: UInt64 = 0
        while !reader.isAtEnd {
            let (number, type) = try reader.field()
            switch (number, type) {
            case (1, .lengthDelimited): name = try reader.string()
            case (2, .fixed32): float = Float(bitPattern: try reader.fixed32())
            case (3, .varint): int = try reader.signedVarint()
            case (4, .lengthDelimited): string = try reader.string()
            case (7, _): try reader.appendFloats(type, to: &floats)
            case (8, _): try reader.appendInt64s(type, to: &ints)
            case (20, .varint): declared = try reader.varint()
            default: try reader.skip(type)
            }
        }
        // AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7.
        switch declared {
        case 1: return (name, .float(float ?? 0))
        case 2: return (name, .int(int ?? 0))
        case 3: return (name, .string(string ?? ""))
        case 6: return (name, .floats(floats))
        case 7: return (name, .ints(ints))
        default: return (name, .other)
        }
    }

    private static func initializer(_ bytes: ArraySlice<UInt8>) throws -> (String, Initializer) {
        var reader = ProtobufReader(bytes)
        var name = "", dataType: UInt64 = 0
        var dims: [Int64] = [], floats: [Float] = [], ints: [Int64] = [], int64s: [Int64] = []
        var raw: ArraySlice<UInt8>?
        while !reader.isAtEnd {
            let (number, type) = try reader.field()
            switch (number, type) {
            case (1, _): try reader.appendInt64s(type, to: &dims)
            case (2, .varint): dataType = try reader.varint()
            case (4, _): try reader.appendFloats(type, to: &floats)
            case (5, _): try reader.appendInt64s(type, to: &ints)
            case (7, _): try reader.appendInt64s(type, to: &int64s)
            case (8, .lengthDelimited): name = try reader.string()
            case (9, .lengthDelimited): raw = try reader.lengthDelimited()
            default: try reader.skip(type)
            }
        }
        guard dims.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }) else { throw ONNXError.malformed("initializer \(name) has a bad shape \(dims)") }
        let shape = dims.map { Int($0) }
        // Each dimension is below 2^31, but their product need not fit in an Int.
        let count = shape.contains(0) ? 0 : try shape.reduce(1) { count, dimension in
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw ONNXError.malformed("initializer \(name) has a shape \(shape) with too many elements") }
            return product
        }
        let values: Initializer.Values
        // TensorProto.DataType: FLOAT 1, INT8 3, INT32 6, INT64 7.
        switch dataType {
        case 1: values = .float(try raw.map { try littleEndian($0, count: count, name: name).map { Float(bitPattern: UInt32($0)) } } ?? floats)
        case 3: values = .int8(try raw.map { try littleEndian($0, count: count, name: name, width: 1).map { Int8(truncatingIfNeeded: $0) } }
                                ?? ints.map { Int8(truncatingIfNeeded: $0) })
        case 6: values = .int32(try raw.map { try littleEndian($0, count: count, name: name).map { Int32(truncatingIfNeeded: $0) } }
                                 ?? ints.map { Int32(truncatingIfNeeded: $0) })
        case 7: values = .int64(try raw.map { try littleEndian($0, count: count, name: name, width: 8).map { Int64(bitPattern: $0) } } ?? int64s)
        default: throw ONNXError.unsupported("initializer \(name) has ONNX data type \(dataType); only float, int8, int32 and int64 are read")
        }
        let initializer = Initializer(shape: shape, values: values)
        guard initializer.count == count else {
            throw ONNXError.malformed("initializer \(name) holds \(initializer.count) values for shape \(shape)")
        }
        return (name, initializer)
    }

    private static func littleEndian(_ bytes: ArraySlice<UInt8>, count: Int, name: String, width: Int = 4) throws -> [UInt64] {
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, bytes.count == byteCount else {
            throw ONNXError.malformed("initializer \(name) has \(bytes.count) bytes of data for \(count) values")
        }
        let start = bytes.startIndex
        return (0..<count).map { i in
            (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[start + i * width + $1]) << UInt64(8 * $1) }
        }
    }

    /// The name inside a ValueInfoProto.
    private static func valueName(_ bytes: ArraySlice<UInt8>) throws -> String {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (number, type) = try reader.field()
            if number == 1, type == .lengthDelimited { return try reader.string() }
            try reader.skip(type)
        }
        throw ONNXError.malformed("a graph input or output without a name")
    }
}
