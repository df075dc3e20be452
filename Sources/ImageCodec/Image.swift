/// A decoded image in the layout the model consumes: planar float RGB in [0, 1].
///
/// `rgb` holds the red plane, then green, then blue, each `width * height` values in
/// row-major order. `alpha`, when the source had one, is a single plane that is carried
/// through untouched (alpha is never stylized).
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var rgb: [Float]
    public var alpha: [Float]?

    public init(width: Int, height: Int, rgb: [Float], alpha: [Float]? = nil) {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        precondition(rgb.count == 3 * width * height, "rgb must hold three planes of width * height values")
        precondition(alpha.map { $0.count == width * height } ?? true, "alpha must hold width * height values")
        self.width = width
        self.height = height
        self.rgb = rgb
        self.alpha = alpha
    }

    public var pixelCount: Int { width * height }
}
