import ImageCodec

/// Colour preservation by CORAL, as AdaIN's reference code does it: the style image's RGB
/// distribution is given the content's mean and covariance before stylizing.
enum ColorPreservation {
    /// `style` recoloured to `content`'s colour statistics (values may leave [0, 1], as in the reference).
    static func recolor(_ style: Image, toMatch content: Image) -> Image {
        let source = ColorStatistics(style.rgb, count: style.pixelCount)
        let target = ColorStatistics(content.rgb, count: content.pixelCount)
        // sqrt(cov_t) * sqrt(cov_s)^-1 maps whitened style colours onto the content's covariance.
        let mix = target.covarianceRoot.multiplied(by: source.covarianceRoot.inverse())
        var rgb = style.rgb
        let n = style.pixelCount
        for i in 0..<n {
            let normalized = (0..<3).map { c in (Double(style.rgb[c * n + i]) - source.mean[c]) / source.std[c] }
            for c in 0..<3 {
                let v = mix[c][0] * normalized[0] + mix[c][1] * normalized[1] + mix[c][2] * normalized[2]
                rgb[c * n + i] = Float(v * target.std[c] + target.mean[c])
            }
        }
        return Image(width: style.width, height: style.height, rgb: rgb, alpha: style.alpha)
    }
}

/// Per-channel mean and unbiased std of an RGB image, and the square root of
/// (normalised covariance + identity) that `_mat_sqrt` in the reference computes.
private struct ColorStatistics {
    let mean: [Double]
    let std: [Double]
    let covarianceRoot: Matrix3

    init(_ rgb: [Float], count n: Int) {
        var mean = [Double](repeating: 0, count: 3)
        var std = [Double](repeating: 1, count: 3)
        for c in 0..<3 {
            let plane = rgb[(c * n)..<(c * n + n)]
            let m = plane.reduce(0.0) { $0 + Double($1) } / Double(n)
            let squares = plane.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) }
            mean[c] = m
            let s = (squares / Double(max(1, n - 1))).squareRoot()
            std[c] = s > 0 ? s : 1
        }
        var covariance = Matrix3.identity
        for i in 0..<n {
            let v = (0..<3).map { c in (Double(rgb[c * n + i]) - mean[c]) / std[c] }
            for r in 0..<3 { for c in 0..<3 { covariance[r][c] += v[r] * v[c] } }
        }
        self.mean = mean
        self.std = std
        covarianceRoot = covariance.symmetricSquareRoot()
    }
}
