import Engine
import TorchCheckpoint

/// One style-attention module (SANet section 3.2): each content position gathers the style
/// features of the style positions whose normalised features match it.
public struct StyleAttention: Sendable {
    /// Query, key and value projections and the output projection; all 1x1, 512 -> 512.
    let f: Convolution, g: Convolution, h: Convolution, outConv: Convolution

    static let channels = 512

    static func parameters(prefix: String) -> [ParameterSpec] {
        ["f", "g", "h", "out_conv"].flatMap {
            Convolution.parameters(prefix: "\(prefix).\($0)", inputs: channels, outputs: channels, kernel: 1)
        }
    }

    init(prefix: String, parameters: [String: [Float]]) {
        func projection(_ name: String) -> Convolution {
            Convolution(prefix: "\(prefix).\(name)", parameters: parameters,
                        inputs: Self.channels, outputs: Self.channels, kernel: 1)
        }
        f = projection("f")
        g = projection("g")
        h = projection("h")
        outConv = projection("out_conv")
    }

    /// What the module needs of a style: its keys g(norm(Fs)) and values h(Fs), the values
    /// position by position (style positions x channels), as the attention's second product reads them.
    public struct StyleMemory: Sendable {
        let keys: Tensor
        let valuesByPosition: [Float]

        var floats: Int { keys.values.count + valuesByPosition.count }
    }

    public func memory(of style: Tensor, context: ComputeContext) -> StyleMemory {
        let values = h(style, relu: false, context: context)
        let valuesByPosition = MatrixProduct.transpose(values.values, rows: values.channels, columns: values.planeSize,
                                                       context: context)
        return StyleMemory(keys: g(style.normalized(context: context), relu: false, context: context),
                           valuesByPosition: valuesByPosition)
    }

    /// out_conv(V softmax(Q^T K)^T) + Fc.
    public func callAsFunction(content: Tensor, style: StyleMemory, context: ComputeContext) -> Tensor {
        self(content: content, statistics: ChannelStatistics(of: content, context: context), style: style, context: context)
    }

    /// The same for `content`, a band of rows of the content's features, normalised with
    /// `statistics`, the whole map's: each position attends on its own, so a band gives the
    /// whole map's rows.
    func callAsFunction(content: Tensor, statistics: ChannelStatistics, style: StyleMemory,
                        context: ComputeContext) -> Tensor {
        let query = f(content.normalized(from: statistics, context: context), relu: false, context: context)
        let attended = Attention.attend(query: query, keys: style.keys, valuesByPosition: style.valuesByPosition,
                                        context: context)
        return outConv(attended, relu: false, context: context) + content
    }
}
