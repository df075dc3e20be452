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

    /// T(c, s): the stylized relu4_1-sized features the decoder turns into an image. Features
    /// above a quarter of the context's layer budget are transformed in bands of rows, since
    /// each attention holds several maps of its input's size at once (at 4096 px a relu4_1 map
    /// is 512 MiB); the context's cancellation is looked at before each band.
    public func callAsFunction(content: EncodedFeatures, style: Style, context: ComputeContext) throws -> Tensor {
        let fine = content.relu4_1, coarse = content.relu5_1
        let bandRows = max(1, context.layerBudget / 4 / (fine.channels * fine.width))
        if bandRows >= fine.height {
            let fine = attention4_1(content: fine, style: style.memory4_1, context: context)
            let coarse = attention5_1(content: coarse, style: style.memory5_1, context: context)
            return merge(fine + coarse.upsampledNearest(factorY: 2, factorX: 2, context: context), relu: false, context: context)
        }
        let fineStatistics = ChannelStatistics(of: fine, context: context)
        let coarseStatistics = ChannelStatistics(of: coarse, context: context)
        var output = Tensor(unfilled: fine.channels, height: fine.height, width: fine.width)
        for top in stride(from: 0, to: fine.height, by: bandRows) {
            try context.checkCancellation()
            let rows = top..<min(fine.height, top + bandRows)
            // The 3x3 merge needs a row more on each side (its reflection at the borders).
            let merged = max(0, rows.lowerBound - 1)..<min(fine.height, rows.upperBound + 1)
            let coarseRows = (merged.lowerBound / 2)..<((merged.upperBound + 1) / 2)
            let fineBand = attention4_1(content: fine.rows(merged), statistics: fineStatistics,
                                        style: style.memory4_1, context: context)
            let coarseBand = attention5_1(content: coarse.rows(coarseRows), statistics: coarseStatistics,
                                          style: style.memory5_1, context: context)
            let upsampled = RowBand(coarseBand, top: coarseRows.lowerBound, fullHeight: coarse.height)
                .upsampledNearest(factorY: 2, factorX: 2, rows: merged, context: context)
            output.replaceRows(startingAt: top, with: merge(RowBand(fineBand + upsampled, top: merged.lowerBound,
                                                                    fullHeight: fine.height),
                                                            rows: rows, relu: false, context: context))
        }
        return output
    }
}
