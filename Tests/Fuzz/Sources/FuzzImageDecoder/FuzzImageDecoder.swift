import ImageCodec

// Input: a PNG or JPEG file (EXIF included). Property: neither `header(of:)` nor `decode`
// traps or reads out of bounds; a decoded image has the size the header announced, with one
// RGB triple (and at most one alpha value) per pixel; decoding straight to half that size
// gives exactly that size.

let decoder = ImageDecoder(maxPixels: 4_000_000)

func check(_ image: Image, width: Int, height: Int, _ what: String) {
    guard image.width == width, image.height == height else {
        fatalError("\(what): decoded \(image.width) x \(image.height), expected \(width) x \(height)")
    }
    precondition(image.rgb.count == image.pixelCount * 3, "\(what): rgb holds \(image.rgb.count) values")
    if let alpha = image.alpha { precondition(alpha.count == image.pixelCount, "\(what): alpha holds \(alpha.count) values") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let pointer else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: pointer, count: size))
    let header = try? decoder.header(of: bytes)
    guard let image = try? decoder.decode(bytes) else { return 0 }
    guard let header else { fatalError("decode read \(image.width) x \(image.height), header(of:) failed") }
    precondition(image.width > 0 && image.height > 0 && image.pixelCount <= decoder.maxPixels)
    check(image, width: header.width, height: header.height, "own size")
    // The resizing decoder, on small images so that each input stays fast.
    if image.pixelCount <= 1 << 16 {
        let target = (width: (image.width + 1) / 2, height: (image.height + 1) / 2)
        if let small = try? decoder.decode(bytes, resizedTo: target) {
            check(small, width: target.width, height: target.height, "resized")
        }
    }
    return 0
}
