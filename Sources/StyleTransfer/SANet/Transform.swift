import Engine
import TorchCheckpoint

/// SANet's transform (transformer_iter_500000.pth): attention at relu4_1 and at relu5_1,
/// the coarser one upsampled and added, then merged by a 3x3 convolution.
public struct Transform: Sendable {
    let attention4_1: StyleAttention
    let attention5_1: StyleAttention
    let merge: Convolution

    static var parameters: [ParameterSpec] {
        StyleAttention.parameters(prefix: "sanet4_1") + StyleAttention.parameters(prefix: "sanet5_1")
            + Convolution.parameters(prefix: "merge_conv", inputs: StyleAttention.channels,
                                     outputs: StyleAttention.channels, kernel: 3)
    }

    init(parameters: [String: [Float]]) {
        attention4_1 = StyleAttention(prefix: "sanet4_1", parameters: parameters)
        attention5_1 = StyleAttention(prefix: "sanet5_1", parameters: parameters)
        merge = Convolution(prefix: "merge_conv", parameters: parameters,
                            inputs: StyleAttention.channels, outputs: StyleAttention.channels, kernel: 3)
    }

    /// A style as both attention modules need it: computed once, reusable for any content.
    public struct Style: Sendable {
        let memory4_1: StyleAttention.StyleMemory
        let memory5_1: StyleAttention.StyleMemory
    }

    public func style(_ features: EncodedFeatures, context: ComputeContext) -> Style {
        Style(memory4_1: attention4_1.memory(of: features.relu4_1, context: context),
              memory5_1: attention5_1.memory(of: features.relu5_1, context: context))
    }

    /// T(c, s): the stylized relu4_1-sized features the decoder turns into an image.
    public func callAsFunction(content: EncodedFeatures, style: Style, context: ComputeContext) -> Tensor {
        let fine = attention4_1(content: content.relu4_1, style: style.memory4_1, context: context)
        let coarse = attention5_1(content: content.relu5_1, style: style.memory5_1, context: context)
        return merge(fine + coarse.upsampledNearest(factorY: 2, factorX: 2, context: context), relu: false, context: context)
    }
}
