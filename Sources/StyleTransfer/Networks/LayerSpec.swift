import Engine
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
        return Convolution.parameters(prefix: "\(index)", inputs: inputs, outputs: outputs, kernel: kernel)
    }
}

extension Sequential {
    /// The layers of `specs` with their weights from `parameters`.
    init(_ specs: [LayerSpec], parameters: [String: [Float]]) {
        self.init(layers: specs.map { spec in
            switch spec {
            case let .convolution(index, inputs, outputs, kernel, relu):
                return .convolution(Convolution(prefix: "\(index)", parameters: parameters,
                                                inputs: inputs, outputs: outputs, kernel: kernel), relu: relu)
            case .maxPool: return .maxPool
            case .upsample: return .upsample
            }
        })
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
