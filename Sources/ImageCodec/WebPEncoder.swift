import CImageCodec

/// Writes lossy WebPs with libwebp, quantised like `PNGEncoder`; alpha, when the image has it,
/// is kept (libwebp codes the alpha plane losslessly).
public enum WebPEncoder {
    /// `quality` from 1 to 100; values outside are clamped.
    public static func encode(_ image: Image, quality: Int) throws -> [UInt8] {
        return try encoderOutput(.webp) { output, size, status in
            withPlanes(of: image) { rgb, alpha in
                icc_webp_encode(rgb, alpha, UInt32(clamping: image.width), UInt32(clamping: image.height), encoderQuality(quality),
                                &output, &size, &status)
            }
        }
    }
}
