import CImageCodec

/// libjpeg behind the two-step C API, with the EXIF orientation applied while the
/// rows are stored so the result looks the way cameras and browsers show it.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], maxPixels: Int) throws -> Image {
        try withHeader(bytes) { decoder, header, orientation in
            let (width, height) = orientedSize(header, orientation)
            try checkPixelCount(width: width, height: height, maxPixels: maxPixels)
            return try makeImage(width: width, height: height, hasAlpha: false) { rgb, _ in
                var status = icc_status()
                if icc_jpeg_decode(decoder, Int32(orientation.rawValue), rgb, &status) != ICC_OK {
                    throw ImageError.corrupt(format: "JPEG", reason: status.text)
                }
            }
        }
    }

    static func dimensions(of bytes: [UInt8]) throws -> (width: Int, height: Int) {
        try withHeader(bytes) { _, header, orientation in orientedSize(header, orientation) }
    }

    private static func orientedSize(_ header: icc_header, _ orientation: EXIFOrientation) -> (width: Int, height: Int) {
        let width = Int(header.width), height = Int(header.height)
        return orientation.swapsDimensions ? (height, width) : (width, height)
    }

    private static func withHeader<T>(
        _ bytes: [UInt8], _ body: (OpaquePointer, icc_header, EXIFOrientation) throws -> T
    ) throws -> T {
        try bytes.withUnsafeBufferPointer { buffer in
            var header = icc_header()
            var status = icc_status()
            guard let decoder = icc_jpeg_open(buffer.baseAddress, buffer.count, &header, &status) else {
                throw ImageError.corrupt(format: "JPEG", reason: status.text)
            }
            defer { icc_jpeg_close(decoder) }
            var payload: UnsafePointer<UInt8>?
            let length = icc_jpeg_exif(decoder, &payload)
            let orientation = payload.map {
                EXIFOrientation(exif: UnsafeBufferPointer(start: $0, count: length))
            } ?? .up
            return try body(decoder, header, orientation)
        }
    }
}
