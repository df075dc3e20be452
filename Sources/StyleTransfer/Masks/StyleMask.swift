import Engine
import ImageCodec

/// Where one style applies, for spatial control: a coverage plane at the content's size, 1 where
/// the style is drawn, 0 where it is left to the other styles (or to the photo), and values in
/// between for soft edges. It is the file's alpha when it has one, else its grey level.
public struct StyleMask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let coverage: [Float]

    public init(width: Int, height: Int, coverage: [Float]) {
        precondition(coverage.count == width * height, "a mask holds width * height values")
        self.width = width
        self.height = height
        self.coverage = coverage
    }

    /// The alpha plane, else the Rec. 601 luma of the RGB planes, clamped to [0, 1] (resampling
    /// can overshoot at hard edges).
    public init(_ image: Image) {
        let n = image.pixelCount
        let values = image.alpha ?? (0..<n).map { (i: Int) -> Float in
            let red: Float = 0.299 * image.rgb[i], green: Float = 0.587 * image.rgb[n + i]
            return red + green + 0.114 * image.rgb[2 * n + i]
        }
        self.init(width: image.width, height: image.height, coverage: values.map { min(max($0, 0), 1) })
    }

    /// Largest difference between a mask's aspect ratio and the content's that is taken as the
    /// same shape (rounding when either was resized); beyond it the mask would be stretched.
    public static let aspectTolerance = 0.01

    /// Refuses, from the sizes alone, a mask of another shape than the content.
    public static func checkAspect(mask: (width: Int, height: Int), content: (width: Int, height: Int), index: Int) throws {
        let ratio = (Double(mask.width) / Double(mask.height)) / (Double(content.width) / Double(content.height))
        guard abs(ratio - 1) <= aspectTolerance else {
            throw StylizeError.maskAspect(index: index, maskWidth: mask.width, maskHeight: mask.height,
                                          contentWidth: content.width, contentHeight: content.height)
        }
    }

    /// The mask at `size` (the content's), resampled as images are; refused when its shape
    /// differs from the content's.
    public func fitted(to size: (width: Int, height: Int), index: Int) throws -> StyleMask {
        if width == size.width && height == size.height { return self }
        try Self.checkAspect(mask: (width, height), content: size, index: index)
        let resized = Image(width: width, height: height, rgb: coverage + coverage + coverage)
            .resized(width: size.width, height: size.height)
        return StyleMask(width: size.width, height: size.height,
                         coverage: resized.rgb.prefix(size.width * size.height).map { min(max($0, 0), 1) })
    }

    /// The coverage at the resolution of features `factor` times smaller than the image: the
    /// mask reflect-padded as the image is (to a multiple of `multiple`), then averaged over
    /// `factor` x `factor` blocks (PyTorch's avg_pool2d).
    func pooled(paddedToMultipleOf multiple: Int, factor: Int) -> [Float] {
        let plane = Tensor(channels: 1, height: height, width: width, values: coverage).reflectPadded(toMultipleOf: multiple)
        let (outHeight, outWidth) = (plane.height / factor, plane.width / factor)
        var pooled = [Float](repeating: 0, count: outHeight * outWidth)
        let scale = 1 / Float(factor * factor)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                var sum: Float = 0
                for dy in 0..<factor {
                    let row = (y * factor + dy) * plane.width + x * factor
                    for dx in 0..<factor { sum += plane.values[row + dx] }
                }
                pooled[y * outWidth + x] = sum * scale
            }
        }
        return pooled
    }
}
