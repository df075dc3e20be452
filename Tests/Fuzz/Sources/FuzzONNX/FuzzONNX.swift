import ONNX

// Input: an ONNX model (protobuf). Property: `ONNXModel(bytes:)` either reads it or throws
// `ONNXError`; no trap, no out-of-bounds read. A model it reads has initializers holding as
// many values as their shape says.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let pointer else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: pointer, count: size))
    let model: ONNXModel
    do {
        model = try ONNXModel(bytes: bytes)
    } catch is ONNXError {
        return 0
    } catch {
        fatalError("ONNXModel threw \(error), not an ONNXError")
    }
    precondition(!model.nodes.isEmpty && !model.outputs.isEmpty)
    for (name, initializer) in model.initializers {
        let expected = initializer.shape.contains(0) ? 0 : initializer.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        precondition(initializer.count == expected, "initializer \(name): \(initializer.count) values for \(initializer.shape)")
    }
    return 0
}
