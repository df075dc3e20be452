import CImageCodec

/// libpng behind the two-step C API: header first, pixels only once the size is accepted.
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], maxPixels: Int) throws -> Image {
        try withHeader(bytes, maxPixels: maxPixels) { decoder, header in
            let width = Int(header.width), height = Int(header.height)
            try checkPixelCount(width: width, height: height, maxPixels: maxPixels)
            return try makeImage(width: width, height: height, hasAlpha: header.has_alpha != 0) { rgb, alpha in
                var status = icc_status()
                if icc_png_decode(decoder, rgb, alpha, &status) != ICC_OK {
                    throw ImageError.corrupt(format: "PNG", reason: status.text)
                }
            }
        }
    }

    static func dimensions(of bytes: [UInt8], maxPixels: Int) throws -> (width: Int, height: Int) {
        try withHeader(bytes, maxPixels: maxPixels) { _, header in
            (Int(header.width), Int(header.height))
        }
    }

    private static func withHeader<T>(
        _ bytes: [UInt8], maxPixels: Int, _ body: (OpaquePointer, icc_header) throws -> T
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
            return try body(decoder, header)
        }
    }
}
