import CImageCodec

/// Checks the header-declared size before any pixel storage exists, so a tiny file
/// claiming billions of pixels costs nothing.
func checkPixelCount(width: Int, height: Int, maxPixels: Int) throws {
    let (count, overflow) = width.multipliedReportingOverflow(by: height)
    if overflow || count > maxPixels || count > Int.max / 4 {
        throw ImageError.tooManyPixels(width: width, height: height, maxPixels: maxPixels)
    }
}

/// Runs a C decoder's row loop into a ``RowCollector`` for `header`'s image at `size` (upright
/// frame), and turns the result upright.
func collectRows(_ header: ImageHeader, size: (width: Int, height: Int)?, format: String,
                 shouldStop: @escaping () -> Bool,
                 decode: (icc_row_sink, UnsafeMutableRawPointer, inout icc_status) -> Int32) throws -> Image {
    let target = size ?? (header.width, header.height)
    precondition(target.width > 0 && target.height > 0, "target dimensions must be positive")
    let swaps = header.orientation.swapsDimensions
    let collector = RowCollector(width: swaps ? header.height : header.width, height: swaps ? header.width : header.height,
                                 targetWidth: swaps ? target.height : target.width,
                                 targetHeight: swaps ? target.width : target.height,
                                 hasAlpha: header.hasAlpha, shouldStop: shouldStop)
    var status = icc_status()
    let result = withExtendedLifetime(collector) {
        decode(collectRow, Unmanaged.passUnretained(collector).toOpaque(), &status)
    }
    switch Int(result) {
    case Int(ICC_OK): return header.orientation.upright(collector.image())
    case Int(ICC_STOPPED): throw ImageError.stopped
    default: throw ImageError.corrupt(format: format, reason: status.text)
    }
}
