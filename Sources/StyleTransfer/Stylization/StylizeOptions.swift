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

    /// Style weights as the command line and the form take them: plain decimals, comma-separated
    /// ("1,3", "0.25,0.75"), as openapi.yaml's pattern says; nil for anything else. No sign,
    /// exponent, spaces or leading zeros, and at most 6 digits on each side of the point, so that
    /// every weight is finite, none rounds to 0, and a regular expression says what is accepted.
    public static func styleWeights(parsing text: String) -> [Float]? {
        var weights: [Float] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard isPlainDecimal(part), let weight = Float(part) else { return nil }
            weights.append(weight)
        }
        return weights
    }

    /// What `styleWeights(parsing:)` takes, for error messages.
    public static let styleWeightsSyntax = "plain decimals, one per style, comma-separated without spaces "
        + "(at most 6 digits on each side of the point; no sign or exponent), e.g. 1,3 or 0.25,0.75"

    /// `0` or `[1-9][0-9]{0,5}`, then optionally a point and 1 to 6 digits.
    private static func isPlainDecimal(_ text: Substring) -> Bool {
        let pieces = text.utf8.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let digits = { (piece: Substring.UTF8View.SubSequence) in
            !piece.isEmpty && piece.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
        let whole = pieces[0]
        guard digits(whole), whole.count <= 6, whole.count == 1 || whole.first != UInt8(ascii: "0") else { return false }
        return pieces.count == 1 || (digits(pieces[1]) && pieces[1].count <= 6)
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
