import CImageCodec

/// Receives a decoder's rows one at a time and builds the image at its target size as they
/// come: each row is resampled along its length on arrival, so a large photo stylized small is
/// never held at full size. Rows are in the file's stored orientation; the result is turned
/// upright last, when it is smallest.
final class RowCollector {
    private let width: Int
    private let height: Int
    private let targetWidth: Int
    private let targetHeight: Int
    private let horizontal: Resampler?
    private let shouldStop: () -> Bool
    /// Rows as they arrive (resampled to `targetWidth` when resizing): three planes, and alpha.
    private var rgb: [Float]
    private var alpha: [Float]?
    private var nextRow = 0

    init(width: Int, height: Int, targetWidth: Int, targetHeight: Int, hasAlpha: Bool, shouldStop: @escaping () -> Bool) {
        self.width = width
        self.height = height
        self.targetWidth = targetWidth
        self.targetHeight = targetHeight
        let resizes = (targetWidth, targetHeight) != (width, height)
        horizontal = resizes ? Resampler(inputSize: width, outputSize: targetWidth) : nil
        self.shouldStop = shouldStop
        let plane = (resizes ? targetWidth : width) * height
        rgb = [Float](repeating: 0, count: 3 * plane)
        alpha = hasAlpha ? [Float](repeating: 0, count: plane) : nil
    }

    private var rowWidth: Int { horizontal == nil ? width : targetWidth }

    /// One decoded row: planar red, green and blue rows of `width` values, and alpha's, or nil
    /// rows at a checkpoint. Returns false once the decode should stop.
    func accept(rgb source: UnsafePointer<Float>?, alpha sourceAlpha: UnsafePointer<Float>?) -> Bool {
        guard let source else { return !shouldStop() }
        guard nextRow < height else { return false }
        let plane = rowWidth * height
        rgb.withUnsafeMutableBufferPointer { rgb in
            for channel in 0..<3 {
                store(source + channel * width, into: rgb.baseAddress! + channel * plane + nextRow * rowWidth)
            }
        }
        if let sourceAlpha, alpha != nil {
            alpha!.withUnsafeMutableBufferPointer { store(sourceAlpha, into: $0.baseAddress! + nextRow * rowWidth) }
        }
        nextRow += 1
        return !shouldStop()
    }

    private func store(_ row: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>) {
        if let horizontal {
            horizontal.resampleRow(row, into: destination)
        } else {
            destination.update(from: row, count: width)
        }
    }

    /// The image at its target size, in the stored orientation; every row must have arrived.
    func image() -> Image {
        precondition(nextRow == height, "the decoder delivered \(nextRow) of \(height) rows")
        guard horizontal != nil else {
            return Image(width: width, height: height, rgb: rgb, alpha: alpha)
        }
        let vertical = Resampler(inputSize: height, outputSize: targetHeight)
        return Image(width: targetWidth, height: targetHeight,
                     rgb: vertical.resampleColumns(of: rgb, planes: 3, width: targetWidth),
                     alpha: alpha.map { vertical.resampleColumns(of: $0, planes: 1, width: targetWidth) })
    }
}

/// The C decoders' row sink: `context` is the collector.
let collectRow: icc_row_sink = { context, rgb, alpha in
    Unmanaged<RowCollector>.fromOpaque(context!).takeUnretainedValue().accept(rgb: rgb, alpha: alpha) ? 0 : 1
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
