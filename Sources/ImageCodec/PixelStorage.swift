/// Checks the header-declared size before any pixel storage exists, so a tiny file
/// claiming billions of pixels costs nothing.
func checkPixelCount(width: Int, height: Int, maxPixels: Int) throws {
    let (count, overflow) = width.multipliedReportingOverflow(by: height)
    if overflow || count > maxPixels || count > Int.max / 4 {
        throw ImageError.tooManyPixels(width: width, height: height, maxPixels: maxPixels)
    }
}

/// Allocates the planes uninitialised and lets the C decoder fill them in place,
/// avoiding a zero-fill and any intermediate copy.
func makeImage(
    width: Int, height: Int, hasAlpha: Bool,
    fill: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>?) throws -> Void
) throws -> Image {
    let count = width * height
    var alpha: [Float]?
    let rgb = try [Float](unsafeUninitializedCapacity: 3 * count) { rgb, rgbCount in
        if hasAlpha {
            alpha = try [Float](unsafeUninitializedCapacity: count) { alpha, alphaCount in
                try fill(rgb.baseAddress!, alpha.baseAddress!)
                alphaCount = count
            }
        } else {
            try fill(rgb.baseAddress!, nil)
        }
        rgbCount = 3 * count
    }
    return Image(width: width, height: height, rgb: rgb, alpha: alpha)
}
