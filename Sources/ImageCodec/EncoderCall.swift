import CImageCodec

/// One call into a C encoder of CImageCodec, which writes into a buffer it allocates: the
/// bytes copied out and the buffer released, or its message as `ImageError.encodingFailed`.
func encoderOutput(
    _ format: ImageFormat,
    _ encode: (_ output: inout UnsafeMutablePointer<UInt8>?, _ size: inout Int, _ status: inout icc_status) -> Int32
) throws -> [UInt8] {
    var status = icc_status()
    var output: UnsafeMutablePointer<UInt8>?
    var size = 0
    let code = encode(&output, &size, &status)
    guard code == ICC_OK, let output else {
        throw ImageError.encodingFailed(format: format, reason: status.text)
    }
    defer { icc_free(output) }
    return Array(UnsafeBufferPointer(start: output, count: size))
}

/// The planes as the C encoders take them: red, green and blue, and alpha or NULL.
func withPlanes<R>(of image: Image, _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) -> R) -> R {
    image.rgb.withUnsafeBufferPointer { rgb in
        guard let alpha = image.alpha else { return body(rgb.baseAddress, nil) }
        return alpha.withUnsafeBufferPointer { body(rgb.baseAddress, $0.baseAddress) }
    }
}

/// A quality as libjpeg and libwebp take it, clamped to 1...100.
func encoderQuality(_ quality: Int) -> Int32 {
    Int32(min(max(quality, ImageEncoding.qualities.lowerBound), ImageEncoding.qualities.upperBound))
}
