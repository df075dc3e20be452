import ImageCodec

extension StyleTransferModel {
    /// Smallest content or style side (after resizing) the networks accept: below it the
    /// relu5_1 features are too small to reflection-pad and their variance is undefined.
    public static let minimumSide = 32

    /// The content image redrawn in the style of `styles`, at the content's (resized) size.
    /// Cancelling `cancellation` stops it between layers with ``StylizeError/cancelled``.
    public func stylize(content: Image, styles: [Image], options: StylizeOptions,
                        cancellation: Cancellation? = nil) throws -> Image {
        let weights = try options.normalizedStyleWeights(styleCount: styles.count)
        guard supports(options.method) else {
            throw StylizeError.methodUnavailable(options.method, available: methods)
        }
        let content = try Self.prepared(content, longerSide: options.contentSize, role: "content")
        // Magenta squashes every style to 256 x 256 itself; the style size does not apply.
        let styleSize = options.method == .magenta ? 0 : options.styleSize
        var styles = try styles.map { try Self.prepared($0, longerSide: styleSize, role: "style") }
        if options.preserveColor {
            styles = styles.map { ColorPreservation.recolor($0, toMatch: content) }
        }

        let image = Tensor(content).reflectPadded(toMultipleOf: options.method.stride)
        let features: Tensor
        switch options.method {
        case .sanet:
            features = try sanetFeatures(content: image, styles: styles, weights: weights, alpha: options.alpha,
                                         cancellation: cancellation)
        case .adain:
            features = try adainFeatures(content: image, styles: styles, weights: weights, alpha: options.alpha,
                                         cancellation: cancellation)
        case .magenta:
            return try magentaStylize(content: content, styles: styles, weights: weights, alpha: options.alpha,
                                      cancellation: cancellation)
        }
        let decoder = options.method == .sanet ? sanet!.decoder : adainDecoder!
        let output = try decoder(features, cancellation: cancellation).cropped(height: content.height, width: content.width)
        return Image(width: content.width, height: content.height,
                     rgb: output.values.map { min(max($0, 0), 1) }, alpha: content.alpha)
    }

    /// Magenta interpolates style vectors: alpha * sum_i w_i v(s_i) + (1 - alpha) * v(c), as its authors do.
    private func magentaStylize(content: Image, styles: [Image], weights: [Float], alpha: Float,
                                cancellation: Cancellation?) throws -> Image {
        let network = magenta!
        func tensor(_ values: [Float]) -> Tensor {
            Tensor(channels: values.count, height: 1, width: 1, values: values)
        }
        let mix = try Self.blend(styles: styles, weights: weights, alpha: alpha, stylized: { style in
            guard case let .magenta(vector) = try encodedStyle(style, method: .magenta, cancellation: cancellation) else {
                preconditionFailure("the key's method picks the entry")
            }
            return tensor(vector)
        }, reconstruction: { tensor(try network.styleVector(of: content, cancellation: cancellation)) })
        return try network.stylize(content: content, styleVector: mix.values, cancellation: cancellation)
    }

    private func sanetFeatures(content: Tensor, styles: [Image], weights: [Float], alpha: Float,
                               cancellation: Cancellation?) throws -> Tensor {
        let head = sanet!, encoder = encoder!
        let contentFeatures = try encoder.features(of: content, cancellation: cancellation)
        return try Self.blend(styles: styles, weights: weights, alpha: alpha, stylized: { style in
            guard case let .sanet(encoded) = try encodedStyle(style, method: .sanet, cancellation: cancellation) else {
                preconditionFailure("the key's method picks the entry")
            }
            try cancellation?.check()
            return head.transform(content: contentFeatures, style: encoded)
        }, reconstruction: {
            head.transform(content: contentFeatures, style: head.transform.style(contentFeatures))
        })
    }

    private func adainFeatures(content: Tensor, styles: [Image], weights: [Float], alpha: Float,
                               cancellation: Cancellation?) throws -> Tensor {
        let encoder = encoder!
        let contentFeatures = try encoder.relu4_1(of: content, cancellation: cancellation)
        return try Self.blend(styles: styles, weights: weights, alpha: alpha, stylized: { style in
            guard case let .adain(statistics) = try encodedStyle(style, method: .adain, cancellation: cancellation) else {
                preconditionFailure("the key's method picks the entry")
            }
            return adaptiveInstanceNormalization(content: contentFeatures, style: statistics)
        }, reconstruction: { contentFeatures })
    }

    /// What `method` needs of a style image, from the style cache when it was seen before.
    private func encodedStyle(_ style: Image, method: Method, cancellation: Cancellation?) throws -> StyleCache.Entry {
        try styleCache.entry(for: StyleCache.Key(method: method, image: style)) {
            switch method {
            case .sanet: return .sanet(sanet!.transform.style(try encoder!.features(of: Tensor(style), cancellation: cancellation)))
            case .adain: return .adain(ChannelStatistics(of: try encoder!.relu4_1(of: Tensor(style), cancellation: cancellation)))
            case .magenta: return .magenta(try magenta!.styleVector(of: style, cancellation: cancellation))
            }
        }
    }

    /// alpha * sum_i w_i stylized(s_i) + (1 - alpha) * reconstruction: the content-style trade-off
    /// and style interpolation, where the reconstruction is T(c, c) for SANet, c for AdaIN and
    /// the content's own style vector for Magenta.
    private static func blend(styles: [Image], weights: [Float], alpha: Float,
                              stylized: (Image) throws -> Tensor, reconstruction: () throws -> Tensor) rethrows -> Tensor {
        var mix: Tensor?
        if alpha > 0 {
            for (style, weight) in zip(styles, weights) {
                let features = try stylized(style)
                mix = mix.map { $0.scaled(by: 1, plus: features, scaledBy: weight) } ?? features.scaled(by: weight)
            }
        }
        guard let mix else { return try reconstruction() }
        return alpha < 1 ? mix.scaled(by: alpha, plus: try reconstruction(), scaledBy: 1 - alpha) : mix
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
