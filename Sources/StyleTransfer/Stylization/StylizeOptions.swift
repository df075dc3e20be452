import Foundation

/// The runtime controls of SANet section 4.4 (shared with AdaIN) and the working sizes.
public struct StylizeOptions: Sendable, Equatable {
    public static let defaultSize = 512

    public var method: Method
    /// Content-style trade-off in [0, 1]: 0 reconstructs the content, 1 is full style.
    public var alpha: Float
    /// One non-negative weight per style image, normalised to sum 1; nil weighs them equally.
    public var styleWeights: [Float]?
    /// Transfer the content's colour statistics onto each style image before stylizing.
    public var preserveColor: Bool
    /// Longer side the content is resized to; 0 keeps its size. The output has this size.
    public var contentSize: Int
    /// Longer side each style image is resized to; 0 keeps its size.
    public var styleSize: Int

    public init(method: Method = .sanet, alpha: Float = 1, styleWeights: [Float]? = nil,
                preserveColor: Bool = false, contentSize: Int = defaultSize, styleSize: Int = defaultSize) {
        self.method = method
        self.alpha = alpha
        self.styleWeights = styleWeights
        self.preserveColor = preserveColor
        self.contentSize = contentSize
        self.styleSize = styleSize
    }

    /// Style weights as the command line and the form take them: comma-separated numbers ("1,3");
    /// nil when a part is not a finite number.
    public static func styleWeights(parsing text: String) -> [Float]? {
        var weights: [Float] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let weight = Float(part.trimmingCharacters(in: .whitespaces)), weight.isFinite else { return nil }
            weights.append(weight)
        }
        return weights
    }

    /// Checks the options against the number of styles and returns the normalised style weights.
    public func normalizedStyleWeights(styleCount: Int) throws -> [Float] {
        guard styleCount > 0 else { throw StylizeError.noStyle }
        guard alpha.isFinite, (0...1).contains(alpha) else { throw StylizeError.invalidAlpha(alpha) }
        guard contentSize >= 0 else { throw StylizeError.invalidSize(name: "content size", value: contentSize) }
        guard styleSize >= 0 else { throw StylizeError.invalidSize(name: "style size", value: styleSize) }
        let weights = styleWeights ?? [Float](repeating: 1, count: styleCount)
        guard weights.count == styleCount else {
            throw StylizeError.styleWeightCount(weights: weights.count, styles: styleCount)
        }
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
            throw StylizeError.invalidStyleWeights(weights)
        }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }
}
