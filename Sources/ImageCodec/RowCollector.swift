import CImageCodec

/// Receives a decoder's rows one at a time and builds the image at its target size as they
/// come: each row is resampled along its length on arrival, so a large photo stylized small is
/// never held at full size. Rows are written into storage that is allocated but not touched
/// beforehand, so a file that stops after its header costs only the rows it delivered. Rows are
/// in the file's stored orientation; the result is turned upright last, when it is smallest.
final class RowCollector {
    private let width: Int
    private let height: Int
    private let horizontal: Resampler?
    private let shouldStop: () -> Bool
    /// Where rows go: three planes of `rowWidth` x `height` values, and the alpha plane.
    private let rgb: UnsafeMutablePointer<Float>
    private let alpha: UnsafeMutablePointer<Float>?
    private(set) var rowsDelivered = 0

    /// `rowWidth` is the source's width, or the target's when resizing (`horizontal` set).
    init(width: Int, height: Int, horizontal: Resampler?, rgb: UnsafeMutablePointer<Float>,
         alpha: UnsafeMutablePointer<Float>?, shouldStop: @escaping () -> Bool) {
        self.width = width
        self.height = height
        self.horizontal = horizontal
        self.rgb = rgb
        self.alpha = alpha
        self.shouldStop = shouldStop
    }

    private var rowWidth: Int { horizontal?.outputSize ?? width }

    /// One decoded row: planar red, green and blue rows of `width` values, and alpha's, or nil
    /// rows at a checkpoint. Returns false once the decode should stop.
    func accept(rgb source: UnsafePointer<Float>?, alpha sourceAlpha: UnsafePointer<Float>?) -> Bool {
        guard let source else { return !shouldStop() }
        guard rowsDelivered < height else { return false }
        let plane = rowWidth * height, offset = rowsDelivered * rowWidth
        for channel in 0..<3 {
            store(source + channel * width, into: rgb + channel * plane + offset)
        }
        if let sourceAlpha, let alpha {
            store(sourceAlpha, into: alpha + offset)
        }
        rowsDelivered += 1
        return !shouldStop()
    }

    private func store(_ row: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>) {
        if let horizontal {
            horizontal.resampleRow(row, into: destination)
        } else {
            destination.initialize(from: row, count: width)
        }
    }
}

/// The C decoders' row sink: `context` is the collector.
let collectRow: icc_row_sink = { context, rgb, alpha in
    Unmanaged<RowCollector>.fromOpaque(context!).takeUnretainedValue().accept(rgb: rgb, alpha: alpha) ? 0 : 1
}

/// Runs a C decoder's row loop for `header`'s image at `size` (upright frame; nil keeps its
/// size) and turns the result upright.
func collectRows(_ header: ImageHeader, size: (width: Int, height: Int)?, format: String,
                 shouldStop: @escaping () -> Bool,
                 decode: (icc_row_sink, UnsafeMutableRawPointer, inout icc_status) -> Int32) throws -> Image {
    let target = size ?? (header.width, header.height)
    precondition(target.width > 0 && target.height > 0, "target dimensions must be positive")
    let swaps = header.orientation.swapsDimensions
    let (width, height) = swaps ? (header.height, header.width) : (header.width, header.height)
    let (targetWidth, targetHeight) = swaps ? (target.height, target.width) : (target.width, target.height)

    /// Decodes into `rgb` and `alpha`, planes of `rowWidth` x `height` values.
    func run(horizontal: Resampler?, rgb: UnsafeMutablePointer<Float>, alpha: UnsafeMutablePointer<Float>?) throws {
        let collector = RowCollector(width: width, height: height, horizontal: horizontal, rgb: rgb, alpha: alpha,
                                     shouldStop: shouldStop)
        var status = icc_status()
        let result = withExtendedLifetime(collector) {
            decode(collectRow, Unmanaged.passUnretained(collector).toOpaque(), &status)
        }
        switch Int(result) {
        case Int(ICC_OK) where collector.rowsDelivered == height: return
        case Int(ICC_OK): throw ImageError.corrupt(format: format, reason: "\(collector.rowsDelivered) of \(height) rows decoded")
        case Int(ICC_STOPPED): throw ImageError.stopped
        default: throw ImageError.corrupt(format: format, reason: status.text)
        }
    }

    let stored: Image
    if (targetWidth, targetHeight) == (width, height) {
        stored = try filledImage(width: width, height: height, hasAlpha: header.hasAlpha) { rgb, alpha in
            try run(horizontal: nil, rgb: rgb, alpha: alpha)
        }
    } else {
        let horizontal = Resampler(inputSize: width, outputSize: targetWidth)
        let plane = targetWidth * height
        let rows = UnsafeMutableBufferPointer<Float>.allocate(capacity: (header.hasAlpha ? 4 : 3) * plane)
        defer { rows.deallocate() }
        try run(horizontal: horizontal, rgb: rows.baseAddress!, alpha: header.hasAlpha ? rows.baseAddress! + 3 * plane : nil)
        let vertical = Resampler(inputSize: height, outputSize: targetHeight)
        stored = Image(width: targetWidth, height: targetHeight,
                       rgb: vertical.resampleColumns(of: UnsafeBufferPointer(rebasing: rows[0..<(3 * plane)]),
                                                     planes: 3, width: targetWidth),
                       alpha: header.hasAlpha ? vertical.resampleColumns(of: UnsafeBufferPointer(rebasing: rows[(3 * plane)...]),
                                                                         planes: 1, width: targetWidth) : nil)
    }
    return header.orientation.upright(stored)
}

/// An image whose planes `fill` writes in place, allocated without being zeroed first.
private func filledImage(width: Int, height: Int, hasAlpha: Bool,
                         fill: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>?) throws -> Void) throws -> Image {
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
