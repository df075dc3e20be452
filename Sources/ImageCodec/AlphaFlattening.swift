extension Image {
    /// The image composited over an opaque white background (straight alpha: c * a + (1 - a)),
    /// without an alpha plane; the image itself when it has none.
    public func flattenedOnWhite() -> Image {
        guard let alpha else { return self }
        let plane = pixelCount
        var rgb = self.rgb
        for channel in 0..<3 {
            for index in 0..<plane {
                let coverage = min(max(alpha[index], 0), 1)
                rgb[channel * plane + index] = rgb[channel * plane + index] * coverage + (1 - coverage)
            }
        }
        return Image(width: width, height: height, rgb: rgb)
    }
}
