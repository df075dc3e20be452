/// Decodes uploaded PNG and JPEG files into planar float images, refusing oversized
/// ones from their header so a hostile file cannot exhaust memory.
public struct ImageDecoder: Sendable {
    public let maxPixels: Int

    public init(maxPixels: Int = 50_000_000) {
        self.maxPixels = maxPixels
    }

    /// The image at its own size, or resized to `size` (Pillow's antialiased bicubic filter)
    /// while it is decoded, so that only the result and one resampled row per source row are
    /// ever held. `shouldStop` is asked between rows; when it answers true the decode ends
    /// with ``ImageError/stopped``.
    public func decode(_ bytes: [UInt8], resizedTo size: (width: Int, height: Int)? = nil,
                       shouldStop: @escaping () -> Bool = { false }) throws -> Image {
        switch try DecodableFormat(sniffing: bytes) {
        case .png: return try PNGDecoder.decode(bytes, maxPixels: maxPixels, size: size, shouldStop: shouldStop)
        case .jpeg: return try JPEGDecoder.decode(bytes, maxPixels: maxPixels, size: size, shouldStop: shouldStop)
        }
    }

    /// What the file's header says (size after EXIF rotation, alpha, decoding cost), read
    /// without decoding a pixel. It does not apply the pixel cap; compare against `maxPixels`.
    public func header(of bytes: [UInt8]) throws -> ImageHeader {
        switch try DecodableFormat(sniffing: bytes) {
        case .png: return try PNGDecoder.header(of: bytes, maxPixels: maxPixels)
        case .jpeg: return try JPEGDecoder.header(of: bytes)
        }
    }
}

/// The formats that can be read, chosen from the magic bytes, not the file name, which uploads
/// cannot be trusted with.
enum DecodableFormat {
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
