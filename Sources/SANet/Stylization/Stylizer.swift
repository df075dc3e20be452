import ImageCodec

extension StyleTransferModel {
    /// Smallest content or style side (after resizing) the networks accept: below it the
    /// relu5_1 features are too small to reflection-pad and their variance is undefined.
    public static let minimumSide = 32

    /// The content image redrawn in the style of `styles`, at the content's (resized) size.
    public func stylize(content: Image, styles: [Image], options: StylizeOptions) throws -> Image {
        let weights = try options.normalizedStyleWeights(styleCount: styles.count)
        guard supports(options.method) else {
            throw StylizeError.methodUnavailable(options.method, available: methods)
        }
        let content = try Self.prepared(content, longerSide: options.contentSize, role: "content")
        var styles = try styles.map { try Self.prepared($0, longerSide: options.styleSize, role: "style") }
        if options.preserveColor {
            styles = styles.map { ColorPreservation.recolor($0, toMatch: content) }
        }

        let image = Tensor(content).reflectPadded(toMultipleOf: options.method.stride)
        let features: Tensor
        switch options.method {
        case .sanet: features = sanetFeatures(content: image, styles: styles, weights: weights, alpha: options.alpha)
        case .adain: features = adainFeatures(content: image, styles: styles, weights: weights, alpha: options.alpha)
        }
        let decoder = options.method == .sanet ? sanet!.decoder : adainDecoder!
        let output = decoder(features).cropped(height: content.height, width: content.width)
        return Image(width: content.width, height: content.height,
                     rgb: output.values.map { min(max($0, 0), 1) }, alpha: content.alpha)
    }

    private func sanetFeatures(content: Tensor, styles: [Image], weights: [Float], alpha: Float) -> Tensor {
        let head = sanet!
        let contentFeatures = encoder.features(of: content)
        return Self.blend(styles: styles, weights: weights, alpha: alpha, stylized: { style in
            guard case let .sanet(encoded) = encodedStyle(style, method: .sanet) else { preconditionFailure("the key's method picks the entry") }
            return head.transform(content: contentFeatures, style: encoded)
        }, reconstruction: {
            head.transform(content: contentFeatures, style: head.transform.style(contentFeatures))
        })
    }

    private func adainFeatures(content: Tensor, styles: [Image], weights: [Float], alpha: Float) -> Tensor {
        let contentFeatures = encoder.relu4_1(of: content)
        return Self.blend(styles: styles, weights: weights, alpha: alpha, stylized: { style in
            guard case let .adain(statistics) = encodedStyle(style, method: .adain) else { preconditionFailure("the key's method picks the entry") }
            return adaptiveInstanceNormalization(content: contentFeatures, style: statistics)
        }, reconstruction: { contentFeatures })
    }

    /// What `method` needs of a style image, from the style cache when it was seen before.
    private func encodedStyle(_ style: Image, method: Method) -> StyleCache.Entry {
        styleCache.entry(for: StyleCache.Key(method: method, image: style)) {
            switch method {
            case .sanet: return .sanet(sanet!.transform.style(encoder.features(of: Tensor(style))))
            case .adain: return .adain(ChannelStatistics(of: encoder.relu4_1(of: Tensor(style))))
            }
        }
    }

    /// alpha * sum_i w_i stylized(s_i) + (1 - alpha) * reconstruction: the content-style trade-off
    /// and style interpolation, where the reconstruction is T(c, c) for SANet and c for AdaIN.
    private static func blend(styles: [Image], weights: [Float], alpha: Float,
                              stylized: (Image) -> Tensor, reconstruction: () -> Tensor) -> Tensor {
        var mix: Tensor?
        if alpha > 0 {
            for (style, weight) in zip(styles, weights) {
                let features = stylized(style)
                mix = mix.map { $0.scaled(by: 1, plus: features, scaledBy: weight) } ?? features.scaled(by: weight)
            }
        }
        guard let mix else { return reconstruction() }
        return alpha < 1 ? mix.scaled(by: alpha, plus: reconstruction(), scaledBy: 1 - alpha) : mix
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
