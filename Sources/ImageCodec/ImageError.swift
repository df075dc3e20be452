/// Why an image could not be read or written, phrased for the person who supplied it.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    case empty
    case unsupportedFormat
    case tooManyPixels(width: Int, height: Int, maxPixels: Int)
    case corrupt(format: String, reason: String)
    case encodingFailed(format: ImageFormat, reason: String)
    /// The caller stopped the decode (its request was cancelled).
    case stopped

    public var description: String {
        switch self {
        case .empty:
            return "The image is empty (0 bytes). Upload a PNG or JPEG file."
        case .unsupportedFormat:
            return "The file is not a PNG or JPEG image. Only PNG and JPEG are accepted; convert the image to one of them and try again."
        case let .tooManyPixels(width, height, maxPixels):
            return "The image is \(width)x\(height) (\(width.multipliedReportingOverflow(by: height).partialValue) pixels), more than the limit of \(maxPixels) pixels. Downscale it and try again."
        case let .corrupt(format, reason):
            return "The \(format) image could not be decoded: \(reason). The file may be truncated or damaged; export or upload it again."
        case let .encodingFailed(format, reason):
            return "The \(format.name) could not be written: \(reason)."
        case .stopped:
            return "The decode was stopped before it finished."
        }
    }
}
