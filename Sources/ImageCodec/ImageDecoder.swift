/// Decodes uploaded PNG and JPEG files into planar float images, refusing oversized
/// ones from their header so a hostile file cannot exhaust memory.
public struct ImageDecoder: Sendable {
    public let maxPixels: Int

    public init(maxPixels: Int = 50_000_000) {
        self.maxPixels = maxPixels
    }

    public func decode(_ bytes: [UInt8]) throws -> Image {
        switch try ImageFormat(sniffing: bytes) {
        case .png: return try PNGDecoder.decode(bytes, maxPixels: maxPixels)
        case .jpeg: return try JPEGDecoder.decode(bytes, maxPixels: maxPixels)
        }
    }

    /// The size `decode` would produce (after EXIF rotation), read from the header
    /// alone. It does not apply the pixel cap; compare against `maxPixels` if needed.
    public func dimensions(of bytes: [UInt8]) throws -> (width: Int, height: Int) {
        switch try ImageFormat(sniffing: bytes) {
        case .png: return try PNGDecoder.dimensions(of: bytes, maxPixels: maxPixels)
        case .jpeg: return try JPEGDecoder.dimensions(of: bytes)
        }
    }
}

/// Chosen from the magic bytes, not the file name, which uploads cannot be trusted with.
enum ImageFormat {
    case png, jpeg

    init(sniffing bytes: [UInt8]) throws {
        if bytes.isEmpty {
            throw ImageError.empty
        }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else {
            throw ImageError.unsupportedFormat
        }
    }
}
