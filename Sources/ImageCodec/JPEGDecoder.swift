import CImageCodec

/// libjpeg behind the two-step C API, with the EXIF orientation applied to the result so it
/// looks the way cameras and browsers show it.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], maxPixels: Int, size: (width: Int, height: Int)?,
                       shouldStop: @escaping () -> Bool) throws -> Image {
        try withDecoder(bytes) { decoder, header in
            try checkPixelCount(width: header.width, height: header.height, maxPixels: maxPixels)
            return try collectRows(header, size: size, format: "JPEG", shouldStop: shouldStop) { sink, context, status in
                icc_jpeg_decode(decoder, sink, context, &status)
            }
        }
    }

    static func header(of bytes: [UInt8]) throws -> ImageHeader {
        try withDecoder(bytes) { $1 }
    }

    private static func withDecoder<T>(_ bytes: [UInt8], _ body: (OpaquePointer, ImageHeader) throws -> T) throws -> T {
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
            let width = Int(header.width), height = Int(header.height)
            return try body(decoder, ImageHeader(width: orientation.swapsDimensions ? height : width,
                                                 height: orientation.swapsDimensions ? width : height,
                                                 hasAlpha: false, decoderBytes: ImageHeader.bytes(header.working_bytes),
                                                 orientation: orientation))
        }
    }
}
