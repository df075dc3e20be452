/// A request the engine cannot carry out, with what to change.
public enum StylizeError: Error, Equatable, CustomStringConvertible {
    case noStyle
    case invalidAlpha(Float)
    case invalidSize(name: String, value: Int)
    case styleWeightCount(weights: Int, styles: Int)
    case invalidStyleWeights([Float])
    case imageTooSmall(role: String, width: Int, height: Int, minimum: Int)
    case methodUnavailable(Method, available: [Method])
    case noWeights(directory: String)
    case maskCount(masks: Int, styles: Int)
    /// Mask `index` (among the masks, from 0) has another shape than the content.
    case maskAspect(index: Int, maskWidth: Int, maskHeight: Int, contentWidth: Int, contentHeight: Int)
    /// The stylization was stopped through its ``Cancellation``.
    case cancelled

    public var description: String {
        switch self {
        case .noStyle:
            return "no style image: give at least one"
        case let .invalidAlpha(alpha):
            return "alpha must be a number from 0 (content only) to 1 (full style), got \(alpha)"
        case let .invalidSize(name, value):
            return "\(name) must be 0 (keep the original size) or a positive number of pixels, got \(value)"
        case let .styleWeightCount(weights, styles):
            return "got \(weights) style weights for \(styles) style images: give one weight per style image"
        case let .invalidStyleWeights(weights):
            let list = weights.map { "\($0)" }.joined(separator: ",")
            return "style weights must be non-negative numbers, at least one above 0; got \(list)"
        case let .imageTooSmall(role, width, height, minimum):
            return "the \(role) image is \(width)x\(height) pixels (after resizing); "
                + "both sides must be at least \(minimum) pixels"
        case let .methodUnavailable(method, available):
            let names = available.map(\.rawValue).joined(separator: ", ")
            return "method '\(method.rawValue)' is not available (its weights are not loaded); available: \(names)"
        case let .maskCount(masks, styles):
            return "got \(masks) masks for \(styles) style images: give one mask per style image, in the same order"
        case let .maskAspect(index, maskWidth, maskHeight, contentWidth, contentHeight):
            return "mask \(index + 1) is \(maskWidth)x\(maskHeight) and the content \(contentWidth)x\(contentHeight): "
                + "their aspect ratios differ by more than 1 %; give a mask of the content's shape"
        case .cancelled:
            return "the stylization was cancelled"
        case let .noWeights(directory):
            return "\(directory) holds no method's weights; run weights/fetch.sh \(directory) (see weights/README.md)"
        }
    }
}
