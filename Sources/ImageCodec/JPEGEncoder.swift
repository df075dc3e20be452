import CImageCodec

/// Writes baseline JPEGs with libjpeg(-turbo), quantised like `PNGEncoder`. JPEG has no alpha:
/// the image's alpha, if any, is ignored (`Image.encoded(as:)` flattens it first).
public enum JPEGEncoder {
    /// `quality` from 1 to 100; values outside are clamped.
    public static func encode(_ image: Image, quality: Int) throws -> [UInt8] {
        return try encoderOutput(.jpeg) { output, size, status in
            image.rgb.withUnsafeBufferPointer { rgb in
                icc_jpeg_encode(rgb.baseAddress, UInt32(clamping: image.width), UInt32(clamping: image.height), encoderQuality(quality),
                                &output, &size, &status)
            }
        }
    }
}
