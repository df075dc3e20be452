import CImageCodec

/// Writes 8-bit PNGs quantised exactly like torchvision's `save_image`, so outputs
/// can be compared byte for byte with the reference implementation.
public enum PNGEncoder {
    /// zlib's default trade-off between size and speed.
    static let compressionLevel: Int32 = 6

    public static func encode(_ image: Image) throws -> [UInt8] {
        guard image.width <= 0x7fff_ffff, image.height <= 0x7fff_ffff else {
            throw ImageError.encodingFailed("the image is larger than PNG allows")
        }
        var status = icc_status()
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        let code = image.rgb.withUnsafeBufferPointer { rgb in
            withOptionalPointer(image.alpha) { alpha in
                icc_png_encode(
                    rgb.baseAddress, alpha, UInt32(image.width), UInt32(image.height),
                    compressionLevel, &output, &size, &status)
            }
        }
        guard code == ICC_OK, let output else {
            throw ImageError.encodingFailed(status.text)
        }
        defer { icc_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    private static func withOptionalPointer<R>(_ plane: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let plane else { return body(nil) }
        return plane.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
