import CImageCodec

/// libpng behind the two-step C API: header first, pixels only once the size is accepted.
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], maxPixels: Int, size: (width: Int, height: Int)?,
                       shouldStop: @escaping () -> Bool) throws -> Image {
        try withDecoder(bytes, maxPixels: maxPixels) { decoder, header in
            try checkPixelCount(width: header.width, height: header.height, maxPixels: maxPixels)
            return try collectRows(header, size: size, format: "PNG", shouldStop: shouldStop) { sink, context, status in
                icc_png_decode(decoder, sink, context, &status)
            }
        }
    }

    static func header(of bytes: [UInt8], maxPixels: Int) throws -> ImageHeader {
        try withDecoder(bytes, maxPixels: maxPixels) { $1 }
    }

    private static func withDecoder<T>(
        _ bytes: [UInt8], maxPixels: Int, _ body: (OpaquePointer, ImageHeader) throws -> T
    ) throws -> T {
        // libpng's own per-side limit; no side can exceed the pixel cap.
        let maxDimension = UInt32(clamping: min(maxPixels, 0x7fff_ffff))
        return try bytes.withUnsafeBufferPointer { buffer in
            var header = icc_header()
            var status = icc_status()
            guard let decoder = icc_png_open(buffer.baseAddress, buffer.count, maxDimension, &header, &status) else {
                throw ImageError.corrupt(format: "PNG", reason: status.text)
            }
            defer { icc_png_close(decoder) }
            return try body(decoder, ImageHeader(width: Int(header.width), height: Int(header.height),
                                                 hasAlpha: header.has_alpha != 0, decoderBytes: ImageHeader.bytes(header.working_bytes),
                                                 orientation: .up))
        }
    }
}
