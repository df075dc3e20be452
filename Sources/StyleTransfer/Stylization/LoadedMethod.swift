import Engine
import Foundation

/// One method with its weights loaded: each case holds exactly the networks its method runs, so
/// a stylization never looks for a network that is not there.
enum LoadedMethod: Sendable {
    case sanet(encoder: Encoder, transform: Transform, decoder: Decoder)
    case adain(encoder: Encoder, decoder: Decoder)
    case magenta(MagentaModel)

    var method: Method {
        switch self {
        case .sanet: return .sanet
        case .adain: return .adain
        case .magenta: return .magenta
        }
    }

    /// Loads `methods` from `directory`, in the order of `Method.allCases` (so the first problem
    /// reported is always the same); SANet and AdaIN share one copy of the encoder.
    static func load(_ methods: Set<Method>, from directory: URL) throws -> [Method: LoadedMethod] {
        var encoder: Encoder?
        func sharedEncoder() throws -> Encoder {
            if let encoder { return encoder }
            let loaded = Encoder(parameters: try CheckpointFile.vgg.load(from: directory))
            encoder = loaded
            return loaded
        }
        var loaded: [Method: LoadedMethod] = [:]
        for method in Method.allCases where methods.contains(method) {
            switch method {
            case .sanet:
                loaded[method] = .sanet(
                    encoder: try sharedEncoder(),
                    transform: Transform(parameters: try CheckpointFile.sanetTransform.load(from: directory)),
                    decoder: Decoder(parameters: try CheckpointFile.sanetDecoder.load(from: directory)))
            case .adain:
                loaded[method] = .adain(encoder: try sharedEncoder(),
                                        decoder: Decoder(parameters: try CheckpointFile.adainDecoder.load(from: directory)))
            case .magenta:
                loaded[method] = .magenta(try MagentaModel(weightsDirectory: directory))
            }
        }
        return loaded
    }
}
