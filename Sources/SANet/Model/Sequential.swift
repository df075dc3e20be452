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

    func callAsFunction(_ input: Tensor) -> Tensor {
        layers.reduce(input) { x, layer in
            switch layer {
            case let .convolution(conv, relu): return conv(x, relu: relu)
            case .maxPool: return x.maxPooled()
            case .upsample: return x.upsampledNearest2x()
            }
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
