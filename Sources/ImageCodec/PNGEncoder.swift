import CImageCodec

/// Writes 8-bit PNGs quantised exactly like torchvision's `save_image`, so outputs
/// can be compared byte for byte with the reference implementation.
public enum PNGEncoder {
    /// zlib's default trade-off between size and speed.
    static let compressionLevel: Int32 = 6

    public static func encode(_ image: Image) throws -> [UInt8] {
        return try encoderOutput(.png) { output, size, status in
            withPlanes(of: image) { rgb, alpha in
                icc_png_encode(rgb, alpha, UInt32(clamping: image.width), UInt32(clamping: image.height), compressionLevel,
                               &output, &size, &status)
            }
        }
    }
}
