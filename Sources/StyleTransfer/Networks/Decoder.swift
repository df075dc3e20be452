import Engine
import TorchCheckpoint

/// The decoder (decoder_iter_500000.pth for SANet, decoder.pth for AdaIN; the same layout):
/// mirrors the encoder from relu4_1 back to an RGB image.
public struct Decoder: Sendable {
    static let layers: [LayerSpec] = [
        .convolution(index: 1, inputs: 512, outputs: 256, kernel: 3, relu: true),
        .upsample,
        .convolution(index: 5, inputs: 256, outputs: 256, kernel: 3, relu: true),
        .convolution(index: 8, inputs: 256, outputs: 256, kernel: 3, relu: true),
        .convolution(index: 11, inputs: 256, outputs: 256, kernel: 3, relu: true),
        .convolution(index: 14, inputs: 256, outputs: 128, kernel: 3, relu: true),
        .upsample,
        .convolution(index: 18, inputs: 128, outputs: 128, kernel: 3, relu: true),
        .convolution(index: 21, inputs: 128, outputs: 64, kernel: 3, relu: true),
        .upsample,
        .convolution(index: 25, inputs: 64, outputs: 64, kernel: 3, relu: true),
        .convolution(index: 28, inputs: 64, outputs: 3, kernel: 3, relu: false),
    ]

    static var parameters: [ParameterSpec] { layers.flatMap(\.parameters) }

    let network: Sequential

    init(parameters: [String: [Float]]) {
        network = Sequential(Self.layers, parameters: parameters)
    }

    /// An RGB image tensor, 8x the feature's height and width, not yet clamped to [0, 1].
    public func callAsFunction(_ features: Tensor, context: ComputeContext) throws -> Tensor {
        try network(features, context: context)
    }
}
