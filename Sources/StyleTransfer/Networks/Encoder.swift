import Engine
import TorchCheckpoint

/// The normalised VGG-19 (vgg_normalised.pth) up to relu5_1: the features both methods see.
public struct Encoder: Sendable {
    /// Layers up to relu4_1 (Sequential indices 0-30), then on to relu5_1 (31-43).
    static let toRelu4_1: [LayerSpec] = [
        .convolution(index: 0, inputs: 3, outputs: 3, kernel: 1, relu: false),
        .convolution(index: 2, inputs: 3, outputs: 64, kernel: 3, relu: true),
        .convolution(index: 5, inputs: 64, outputs: 64, kernel: 3, relu: true),
        .maxPool,
        .convolution(index: 9, inputs: 64, outputs: 128, kernel: 3, relu: true),
        .convolution(index: 12, inputs: 128, outputs: 128, kernel: 3, relu: true),
        .maxPool,
        .convolution(index: 16, inputs: 128, outputs: 256, kernel: 3, relu: true),
        .convolution(index: 19, inputs: 256, outputs: 256, kernel: 3, relu: true),
        .convolution(index: 22, inputs: 256, outputs: 256, kernel: 3, relu: true),
        .convolution(index: 25, inputs: 256, outputs: 256, kernel: 3, relu: true),
        .maxPool,
        .convolution(index: 29, inputs: 256, outputs: 512, kernel: 3, relu: true),
    ]
    static let toRelu5_1: [LayerSpec] = [
        .convolution(index: 32, inputs: 512, outputs: 512, kernel: 3, relu: true),
        .convolution(index: 35, inputs: 512, outputs: 512, kernel: 3, relu: true),
        .convolution(index: 38, inputs: 512, outputs: 512, kernel: 3, relu: true),
        .maxPool,
        .convolution(index: 42, inputs: 512, outputs: 512, kernel: 3, relu: true),
    ]
    /// relu5_2 onwards: in the file, never computed, so never read.
    static let unusedKeys: Set<String> = Set([45, 48, 51].flatMap { ["\($0).weight", "\($0).bias"] })

    static var parameters: [ParameterSpec] { (toRelu4_1 + toRelu5_1).flatMap(\.parameters) }

    let stage4: Sequential
    let stage5: Sequential

    init(parameters: [String: [Float]]) {
        stage4 = Sequential(Self.toRelu4_1, parameters: parameters)
        stage5 = Sequential(Self.toRelu5_1, parameters: parameters)
    }

    /// relu4_1 and relu5_1 of an image tensor (3 x H x W, values in [0, 1]).
    public func features(of image: Tensor, context: ComputeContext) throws -> EncodedFeatures {
        let relu4_1 = try stage4(image, context: context)
        return EncodedFeatures(relu4_1: relu4_1, relu5_1: try stage5(relu4_1, context: context))
    }

    /// relu4_1 only, which is all AdaIN needs.
    public func relu4_1(of image: Tensor, context: ComputeContext) throws -> Tensor {
        try stage4(image, context: context)
    }
}

/// The encoder outputs that the style-attention modules consume.
public struct EncodedFeatures: Sendable {
    public let relu4_1: Tensor
    public let relu5_1: Tensor
}
