/// The formats a result can be written in: what the API's `format` field and `Accept` header
/// name, and what the command line reads from the output file's extension.
public enum ImageFormat: String, CaseIterable, Sendable {
    /// The first case is the default.
    case png, jpeg, webp

    /// The name people know it by, for messages.
    public var name: String {
        switch self {
        case .png: return "PNG"
        case .jpeg: return "JPEG"
        case .webp: return "WebP"
        }
    }

    public var mediaType: String {
        "image/\(rawValue)"
    }

    /// File name extensions, the usual one first.
    public var fileExtensions: [String] {
        switch self {
        case .png: return ["png"]
        case .jpeg: return ["jpg", "jpeg"]
        case .webp: return ["webp"]
        }
    }

    /// Whether the format stores transparency; JPEG does not.
    public var keepsAlpha: Bool {
        self != .jpeg
    }

    /// Whether `quality` changes the result; PNG is lossless.
    public var isLossy: Bool {
        self != .png
    }

    /// The format whose extensions include `fileExtension` (any case, without the dot).
    public init?(fileExtension: String) {
        guard let format = Self.allCases.first(where: { $0.fileExtensions.contains(fileExtension.lowercased()) }) else {
            return nil
        }
        self = format
    }
}
