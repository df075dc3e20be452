import TorchCheckpoint

/// One step of a `torch.nn.Sequential` from the checkpoints, by the index its keys carry.
/// Reflection pads and ReLUs have no weights: pads are folded into the 3x3 convolutions,
/// ReLUs into the convolution before them.
enum LayerSpec {
    case convolution(index: Int, inputs: Int, outputs: Int, kernel: Int, relu: Bool)
    case maxPool
    case upsample

    var parameters: [ParameterSpec] {
        guard case let .convolution(index, inputs, outputs, kernel, _) = self else { return [] }
        return [ParameterSpec(key: "\(index).weight", shape: [outputs, inputs, kernel, kernel]),
                ParameterSpec(key: "\(index).bias", shape: [outputs])]
    }
}

/// A run of layers built from loaded parameters.
struct Sequential: Sendable {
    enum Layer: Sendable {
        case convolution(Convolution, relu: Bool)
        case maxPool
        case upsample
    }

    let layers: [Layer]

    init(_ specs: [LayerSpec], parameters: [String: [Float]]) {
        layers = specs.map { spec in
            switch spec {
            case let .convolution(index, inputs, outputs, kernel, relu):
                let conv = Convolution(weight: parameters["\(index).weight"]!, bias: parameters["\(index).bias"]!,
                                       inputChannels: inputs, outputChannels: outputs, kernelSize: kernel)
                return .convolution(conv, relu: relu)
            case .maxPool: return .maxPool
            case .upsample: return .upsample
            }
        }
    }

    /// Floats one layer may hold of its output at once. A pass whose layers fit runs whole; a
    /// larger one is streamed in bands of output rows, each layer computing only the rows (and
    /// the halo of neighbouring rows) that the next needs, so that at 2048 px no full-resolution
    /// activation is ever held whole.
    static let bandBudget = 1 << 25

    /// Runs the layers; `cancellation` is looked at before each layer of each band.
    func callAsFunction(_ input: Tensor, bandBudget: Int = Sequential.bandBudget,
                        cancellation: Cancellation? = nil) throws -> Tensor {
        let shapes = outputShapes(of: input)
        let last = shapes[shapes.count - 1]
        let floatsPerRow = shapes.map { Double($0.channels * $0.width * $0.height) / Double(last.height) }.max() ?? 1
        let bandRows = max(1, min(last.height, Int(Double(bandBudget) / floatsPerRow)))
        if bandRows == last.height {
            return try pass(input, rows: 0..<last.height, shapes: shapes, cancellation: cancellation)
        }
        var output = Tensor(unfilled: last.channels, height: last.height, width: last.width)
        for top in stride(from: 0, to: last.height, by: bandRows) {
            let rows = top..<min(last.height, top + bandRows)
            output.replaceRows(startingAt: top, with: try pass(input, rows: rows, shapes: shapes, cancellation: cancellation))
        }
        return output
    }

    /// Output rows `rows` of the last layer. The rows each layer must produce are worked out from
    /// the last layer back: a 3x3 convolution needs one more row on each side (reflected at the
    /// borders), a max-pool twice the rows, an upsampling half.
    private func pass(_ input: Tensor, rows: Range<Int>, shapes: [(channels: Int, height: Int, width: Int)],
                      cancellation: Cancellation?) throws -> Tensor {
        var needed = [Range<Int>](repeating: rows, count: layers.count)
        var wanted = rows
        for index in layers.indices.reversed() {
            needed[index] = wanted
            let height = index == 0 ? input.height : shapes[index - 1].height
            switch layers[index] {
            case let .convolution(conv, _):
                let halo = conv.kernelSize / 2
                wanted = max(0, wanted.lowerBound - halo)..<min(height, wanted.upperBound + halo)
            case .maxPool: wanted = (2 * wanted.lowerBound)..<min(height, 2 * wanted.upperBound)
            case .upsample: wanted = (wanted.lowerBound / 2)..<((wanted.upperBound + 1) / 2)
            }
        }
        var band = RowBand(input)
        for (index, layer) in layers.enumerated() {
            try cancellation?.check()
            let output: Tensor
            switch layer {
            case let .convolution(conv, relu): output = conv(band, rows: needed[index], relu: relu)
            case .maxPool: output = band.maxPooled(rows: needed[index])
            case .upsample: output = band.upsampledNearest2x(rows: needed[index])
            }
            band = RowBand(output, top: needed[index].lowerBound, fullHeight: shapes[index].height)
        }
        return band.tensor
    }

    /// The shape of every layer's output.
    private func outputShapes(of input: Tensor) -> [(channels: Int, height: Int, width: Int)] {
        var shape = (channels: input.channels, height: input.height, width: input.width)
        return layers.map { layer in
            switch layer {
            case let .convolution(conv, _): shape.channels = conv.outputChannels
            case .maxPool: shape = (shape.channels, (shape.height + 1) / 2, (shape.width + 1) / 2)
            case .upsample: shape = (shape.channels, 2 * shape.height, 2 * shape.width)
            }
            return shape
        }
    }
}

extension Convolution {
    /// A convolution whose parameters are `<prefix>.weight` and `<prefix>.bias`.
    init(prefix: String, parameters: [String: [Float]], inputs: Int, outputs: Int, kernel: Int) {
        self.init(weight: parameters["\(prefix).weight"]!, bias: parameters["\(prefix).bias"]!,
                  inputChannels: inputs, outputChannels: outputs, kernelSize: kernel)
    }

    static func parameters(prefix: String, inputs: Int, outputs: Int, kernel: Int) -> [ParameterSpec] {
        [ParameterSpec(key: "\(prefix).weight", shape: [outputs, inputs, kernel, kernel]),
         ParameterSpec(key: "\(prefix).bias", shape: [outputs])]
    }
}
