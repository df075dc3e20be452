/// What an image file says about itself before any pixel is decoded: enough to refuse it, or
/// to know what decoding it will cost.
public struct ImageHeader: Sendable, Equatable {
    /// The size as displayed, after EXIF orientation.
    public let width: Int
    public let height: Int
    public let hasAlpha: Bool
    /// Bytes the decoder itself holds while it decodes (an interlaced PNG's whole image,
    /// a progressive JPEG's coefficients); 0 for images decoded a row at a time.
    public let decoderBytes: Int
    let orientation: EXIFOrientation

    /// The C layer's byte count; its overflow marker (SIZE_MAX, -1 as an Int) means too many to hold.
    static func bytes(_ count: Int) -> Int {
        count < 0 ? 1 << 50 : min(count, 1 << 50)
    }

    /// Float planes of the decoded image: red, green, blue, and alpha when there is one.
    public var planes: Int { hasAlpha ? 4 : 3 }

    /// The most bytes that decoding to `width` x `height` holds at once, the result included:
    /// the decoder's own buffers, each row once converted, the rows resampled along their length
    /// (the source's height of them), the result, and its turned copy for a rotated JPEG.
    public func decodingBytes(width targetWidth: Int, height targetHeight: Int) -> Int {
        let stored = orientation.swapsDimensions ? (width: height, height: width) : (width: width, height: height)
        let storedTarget = orientation.swapsDimensions ? (width: targetHeight, height: targetWidth)
                                                       : (width: targetWidth, height: targetHeight)
        let floats = MemoryLayout<Float>.size * planes
        let rows = 2 * stored.width * floats
        let result = targetWidth * targetHeight * floats
        let resampled = (targetWidth, targetHeight) == (width, height) ? 0 : storedTarget.width * stored.height * floats
        let turned = orientation == .up ? 0 : result
        return decoderBytes + rows + resampled + result + turned
    }
}
