/// Why an ONNX file cannot be used, with the file and the node when known.
public struct ONNXError: Error, CustomStringConvertible, Equatable {
    public var file: String?
    public let message: String

    public init(file: String?, message: String) {
        self.file = file
        self.message = message
    }

    public static func malformed(_ message: String) -> ONNXError {
        ONNXError(file: nil, message: "malformed ONNX file: \(message)")
    }

    public static func unsupported(_ message: String) -> ONNXError {
        ONNXError(file: nil, message: message)
    }

    public var description: String {
        file.map { "\($0): \(message)" } ?? message
    }
}
