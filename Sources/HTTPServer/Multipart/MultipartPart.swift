/// One field or file of a multipart/form-data body.
public struct MultipartPart: Sendable {
    public let name: String
    public let filename: String?
    public let contentType: String?
    public let headers: HTTPHeaders
    public var body: [UInt8]
}

/// Bounds on a multipart body, so that a client cannot make the server hold more than it expects.
public struct MultipartLimits: Sendable {
    public var maxParts: Int
    public var maxPartHeaderBytes: Int
    public var maxPartBytes: Int
    public var maxTotalBytes: Int
    /// The parts that may be as large as `maxPartBytes` (files); every other part, a text field,
    /// is refused once it outgrows `maxFieldBytes`. Empty: every part may be a file.
    public var fileParts: Set<String>
    public var maxFieldBytes: Int

    public init(maxParts: Int = 16, maxPartHeaderBytes: Int = 8 * 1024,
                maxPartBytes: Int = 32 * 1024 * 1024, maxTotalBytes: Int = 64 * 1024 * 1024,
                fileParts: Set<String> = [], maxFieldBytes: Int = 4 * 1024) {
        self.maxParts = maxParts
        self.maxPartHeaderBytes = maxPartHeaderBytes
        self.maxPartBytes = maxPartBytes
        self.maxTotalBytes = maxTotalBytes
        self.fileParts = fileParts
        self.maxFieldBytes = maxFieldBytes
    }
}

/// Why a multipart body was refused: over a limit (413) or not well formed (400).
public struct MultipartError: Error, Hashable, Sendable, ProblemConvertible, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case tooLarge
        case malformed
    }

    public let kind: Kind
    /// Which part or limit, in words the client can act on.
    public let detail: String

    public var problem: Problem {
        Problem(kind == .tooLarge ? .contentTooLarge : .badRequest, detail: detail)
    }

    public var description: String { detail }

    static func tooLarge(_ detail: String) -> MultipartError { MultipartError(kind: .tooLarge, detail: detail) }
    static func malformed(_ detail: String) -> MultipartError { MultipartError(kind: .malformed, detail: detail) }
}
