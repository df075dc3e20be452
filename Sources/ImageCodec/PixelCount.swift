/// Checks the header-declared size before any pixel storage exists, so a tiny file
/// claiming billions of pixels costs nothing.
func checkPixelCount(width: Int, height: Int, maxPixels: Int) throws {
    let (count, overflow) = width.multipliedReportingOverflow(by: height)
    if overflow || count > maxPixels || count > Int.max / 4 {
        throw ImageError.tooManyPixels(width: width, height: height, maxPixels: maxPixels)
    }
}
