import ONNX
import XCTest

/// ONNX files come from outside: sizes that do not fit in memory, or in an Int, must be refused with ONNXError.
final class ONNXReaderTests: XCTestCase {
    private func varint(_ value: UInt64) -> [UInt8] {
        var value = value, bytes: [UInt8] = []
        while value >= 0x80 { bytes.append(UInt8(value & 0x7f) | 0x80); value >>= 7 }
        return bytes + [UInt8(value)]
    }

    private func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload
    }

    private func field(_ number: UInt64, varint value: UInt64) -> [UInt8] {
        varint(number << 3) + varint(value)
    }

    /// A model with one Identity node and one float initializer 'w' of `dims`, with `raw` as its raw data.
    private func model(dims: [UInt64], raw: [UInt8]?) -> [UInt8] {
        let node = field(1, Array("w".utf8)) + field(2, Array("y".utf8)) + field(4, Array("Identity".utf8))
        var initializer = dims.flatMap { field(1, varint: $0) } + field(2, varint: 1) + field(8, Array("w".utf8))
        if let raw { initializer += field(9, raw) }
        let graph = field(1, node) + field(5, initializer) + field(12, field(1, Array("y".utf8)))
        return field(7, graph)
    }

    func testSmallModelIsRead() throws {
        let model = try ONNXModel(bytes: model(dims: [2], raw: [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]))
        XCTAssertEqual(model.initializers["w"]?.shape, [2])
        XCTAssertEqual(model.initializers["w"]?.count, 2)
        XCTAssertEqual(model.outputs, ["y"])
    }

    func testShapeWhoseProductOverflowsIsRefused() {
        for raw in [nil, [UInt8](repeating: 0, count: 4)] {
            XCTAssertThrowsError(try ONNXModel(bytes: model(dims: [1 << 30, 1 << 30, 1 << 30], raw: raw))) { error in
                XCTAssertTrue((error as? ONNXError)?.message.contains("initializer w") ?? false, "\(error)")
            }
        }
    }

    func testElementCountWhoseByteCountOverflowsIsRefused() {
        // 2^62 elements fit in an Int; their 2^64 bytes do not.
        XCTAssertThrowsError(try ONNXModel(bytes: model(dims: [1 << 30, 1 << 30, 4], raw: [0, 0, 0, 0]))) { error in
            XCTAssertTrue((error as? ONNXError)?.message.contains("initializer w") ?? false, "\(error)")
        }
    }

    func testZeroDimensionMakesAnEmptyInitializer() throws {
        let model = try ONNXModel(bytes: model(dims: [1 << 30, 1 << 30, 1 << 30, 0], raw: []))
        XCTAssertEqual(model.initializers["w"]?.count, 0)
    }
}
