/// How a result is written: its format and, for the lossy formats, a quality from 1 (smallest)
/// to 100 (best), the scale libjpeg and libwebp share.
public struct ImageEncoding: Sendable, Equatable {
    public static let qualities = 1...100
    /// Little visible loss, at about a fifth of the PNG's bytes for a 256 x 256 stylization.
    public static let defaultQuality = 90

    public let format: ImageFormat
    public let quality: Int

    public init(_ format: ImageFormat = .png, quality: Int = defaultQuality) {
        precondition(Self.qualities.contains(quality), "quality must be from 1 to 100")
        self.format = format
        self.quality = quality
    }
}
