/// An encoded result, and whether the image's alpha had to be flattened because the format
/// has none.
public struct EncodedImage: Sendable {
    public let bytes: [UInt8]
    public let encoding: ImageEncoding
    public let flattenedAlpha: Bool
}

extension Image {
    /// Writes the image as `encoding` says. An image with alpha written as JPEG is first
    /// composited onto white, the background a viewer shows a transparent PNG on.
    public func encoded(as encoding: ImageEncoding) throws -> EncodedImage {
        switch encoding.format {
        case .png:
            return EncodedImage(bytes: try PNGEncoder.encode(self), encoding: encoding, flattenedAlpha: false)
        case .jpeg:
            return EncodedImage(bytes: try JPEGEncoder.encode(flattenedOnWhite(), quality: encoding.quality),
                                encoding: encoding, flattenedAlpha: alpha != nil)
        case .webp:
            return EncodedImage(bytes: try WebPEncoder.encode(self, quality: encoding.quality), encoding: encoding,
                                flattenedAlpha: false)
        }
    }
}
