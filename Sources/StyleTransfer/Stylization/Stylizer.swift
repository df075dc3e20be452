import Engine
import ImageCodec

extension StyleTransferModel {
    /// Smallest content or style side (after resizing) the networks accept: below it the
    /// relu5_1 features are too small to reflection-pad and their variance is undefined.
    public static let minimumSide = 32

    /// The content image redrawn in the style of `styles`, at the content's (resized) size, on the
    /// context's threads; with `masks` (one per style, at the content's size), each style only
    /// where its mask covers. Cancelling the context's cancellation stops it between layers with
    /// ``StylizeError/cancelled``.
    public func stylize(content: Image, styles: [Image], masks: [StyleMask]? = nil, options: StylizeOptions,
                        context: ComputeContext) throws -> Image {
        let weights = try options.normalizedStyleWeights(styleCount: styles.count)
        if let masks, masks.count != styles.count { throw StylizeError.maskCount(masks: masks.count, styles: styles.count) }
        guard let network = loaded[options.method] else {
            throw StylizeError.methodUnavailable(options.method, available: methods)
        }
        let content = try Self.prepared(content, longerSide: options.contentSize, role: "content")
        // Magenta squashes every style to 256 x 256 itself; the style size does not apply.
        let styleSize = options.method == .magenta ? 0 : options.styleSize
        let masks = try masks.map { masks in
            try masks.enumerated().map { index, mask in try mask.fitted(to: (content.width, content.height), index: index) }
        }
        var styles = try styles.map { try Self.prepared($0, longerSide: styleSize, role: "style") }
        if options.preserveColor {
            styles = styles.map { ColorPreservation.recolor($0, toMatch: content) }
        }
        do {
            return try stylize(content: content, styles: styles, masks: masks, weights: weights, alpha: options.alpha,
                               with: network, context: context)
        } catch is CancellationError {
            throw StylizeError.cancelled
        }
    }

    private func stylize(content: Image, styles: [Image], masks: [StyleMask]?, weights: [Float], alpha: Float,
                         with network: LoadedMethod, context: ComputeContext) throws -> Image {
        let image = Tensor(content).reflectPadded(toMultipleOf: network.method.stride)
        // SANet and AdaIN blend at relu4_1, whose features are 8 times smaller than the padded image.
        let featureMasks = masks?.map { $0.pooled(paddedToMultipleOf: network.method.stride, factor: 8) }
        let blend = { (stylized: (Image) throws -> Tensor, reconstruction: () throws -> Tensor) in
            if let featureMasks {
                return try SpatialBlend(masks: featureMasks, weights: weights, strength: alpha)
                    .mix(styles, stylized: stylized, reconstruction: reconstruction)
            }
            return try Self.blend(styles: styles, weights: weights, alpha: alpha, stylized: stylized,
                                  reconstruction: reconstruction)
        }
        switch network {
        case let .sanet(encoder, transform, decoder):
            // The content's features are given up before decoding, which needs room of its own.
            let features = try { () throws -> Tensor in
                let contentFeatures = try encoder.features(of: image, context: context)
                return try blend({ style in
                    let memory = try styleCache.style(of: style, method: .sanet) {
                        transform.style(try encoder.features(of: Tensor(style), context: context), context: context)
                    }
                    try context.checkCancellation()
                    return try transform(content: contentFeatures, style: memory, context: context)
                }, {
                    try transform(content: contentFeatures, style: transform.style(contentFeatures, context: context),
                                  context: context)
                })
            }()
            return Image(try decoder(features, context: context), shapedLike: content)
        case let .adain(encoder, decoder):
            let features = try { () throws -> Tensor in
                let contentFeatures = try encoder.relu4_1(of: image, context: context)
                return try blend({ style in
                    let statistics = try styleCache.style(of: style, method: .adain) {
                        ChannelStatistics(of: try encoder.relu4_1(of: Tensor(style), context: context), context: context)
                    }
                    return adaptiveInstanceNormalization(content: contentFeatures, style: statistics, context: context)
                }, { contentFeatures })
            }()
            return Image(try decoder(features, context: context), shapedLike: content)
        case let .magenta(network):
            // Magenta interpolates style vectors, as its authors do; the reconstruction is the content's own.
            func vector(_ values: [Float]) -> Tensor { Tensor(channels: values.count, height: 1, width: 1, values: values) }
            let styleVector = { (style: Image) in
                vector(try self.styleCache.style(of: style, method: .magenta) {
                    try network.styleVector(of: style, context: context)
                })
            }
            let ownVector = { vector(try network.styleVector(of: content, context: context)) }
            if let masks {
                return try Self.maskedMagenta(content: content, styles: styles, masks: masks, weights: weights, alpha: alpha,
                                              styleVector: styleVector, ownVector: ownVector) { vector in
                    try network.stylize(content: content, styleVector: vector.values, context: context)
                }
            }
            let mix = try blend(styleVector, ownVector)
            return try network.stylize(content: content, styleVector: mix.values, context: context)
        }
    }

    /// Magenta with masks: its style vector sets the scale and shift of every normalisation in
    /// the transformer, so a per-pixel mix of styles would change the whole network; instead each
    /// style (its vector blended with the photo's own by alpha, as without masks) is drawn over
    /// the whole photo, and the results are blended pixel by pixel, the photo itself where no
    /// mask covers (Magenta has no decoder to redraw it). One transformer pass per style.
    private static func maskedMagenta(content: Image, styles: [Image], masks: [StyleMask], weights: [Float], alpha: Float,
                                      styleVector: (Image) throws -> Tensor, ownVector: () throws -> Tensor,
                                      transform: (Tensor) throws -> Image) throws -> Image {
        var own: Tensor?
        func ownOnce() throws -> Tensor {
            if own == nil { own = try ownVector() }
            return own!
        }
        let blend = SpatialBlend(masks: masks.map(\.coverage), weights: weights, strength: 1)
        let pixels = try blend.mix(styles, stylized: { style in
            let vector = try styleVector(style)
            return Tensor(try transform(alpha < 1 ? vector.scaled(by: alpha, plus: try ownOnce(), scaledBy: 1 - alpha) : vector))
        }, reconstruction: { Tensor(content) })
        return Image(pixels, shapedLike: content)
    }

    /// alpha * sum_i w_i stylized(s_i) + (1 - alpha) * reconstruction: the content-style trade-off
    /// and style interpolation, where the reconstruction is T(c, c) for SANet, c for AdaIN and
    /// the content's own style vector for Magenta.
    private static func blend(styles: [Image], weights: [Float], alpha: Float,
                              stylized: (Image) throws -> Tensor, reconstruction: () throws -> Tensor) rethrows -> Tensor {
        // In place: at 4096 px each of these maps is 512 MiB.
        var mix: Tensor?
        if alpha > 0 {
            for (style, weight) in zip(styles, weights) {
                let features = try stylized(style)
                if mix == nil {
                    mix = weight == 1 ? features : features.scaled(by: weight)
                } else {
                    mix?.scale(by: 1, adding: features, scaledBy: weight)
                }
            }
        }
        guard var mix else { return try reconstruction() }
        if alpha < 1 { mix.scale(by: alpha, adding: try reconstruction(), scaledBy: 1 - alpha) }
        return mix
    }

    private static func prepared(_ image: Image, longerSide: Int, role: String) throws -> Image {
        let resized = longerSide > 0 ? image.resized(longerSide: longerSide) : image
        guard min(resized.width, resized.height) >= minimumSide else {
            throw StylizeError.imageTooSmall(role: role, width: resized.width, height: resized.height,
                                             minimum: minimumSide)
        }
        return resized
    }
}

extension Tensor {
    /// The RGB planes of an image as a 3 x H x W tensor.
    init(_ image: Image) {
        self.init(channels: 3, height: image.height, width: image.width, values: image.rgb)
    }
}

extension Image {
    /// A network's RGB output, cropped back to `content`'s size (undoing the padding to the
    /// network's stride), clamped to [0, 1], with `content`'s alpha.
    init(_ output: Tensor, shapedLike content: Image) {
        let cropped = output.cropped(height: content.height, width: content.width)
        self.init(width: content.width, height: content.height, rgb: cropped.values.map { min(max($0, 0), 1) },
                  alpha: content.alpha)
    }
}
