import Foundation
import TorchCheckpoint

/// The weights of every loaded method, read once and shared read-only by any number of
/// concurrent stylizations.
public final class StyleTransferModel: Sendable {
    /// VGG's encoder, loaded with SANet or AdaIN.
    public let encoder: Encoder?
    let sanet: SANetHead?
    let adainDecoder: Decoder?
    let magenta: MagentaModel?
    /// Encoded styles, shared by every stylization with this model.
    public let styleCache = StyleCache()

    struct SANetHead: Sendable {
        let transform: Transform
        let decoder: Decoder
    }

    /// Loads the checkpoints of `methods` from `directory` (official file names); throws
    /// `CheckpointError` naming the file and key of the first problem (`ONNXError` for Magenta's files).
    public init(weightsDirectory directory: URL, methods: Set<Method>) throws {
        precondition(!methods.isEmpty, "load at least one method")
        HeapReuse.configured
        encoder = methods.contains(.sanet) || methods.contains(.adain)
            ? Encoder(parameters: try CheckpointFile.vgg.load(from: directory)) : nil
        sanet = methods.contains(.sanet)
            ? SANetHead(transform: Transform(parameters: try CheckpointFile.sanetTransform.load(from: directory)),
                        decoder: Decoder(parameters: try CheckpointFile.sanetDecoder.load(from: directory)))
            : nil
        adainDecoder = methods.contains(.adain)
            ? Decoder(parameters: try CheckpointFile.adainDecoder.load(from: directory))
            : nil
        magenta = methods.contains(.magenta) ? try MagentaModel(weightsDirectory: directory) : nil
    }

    /// Loads every method whose files are in `directory`; throws when there is none.
    public convenience init(loadingAvailableIn directory: URL) throws {
        let available = Method.available(in: directory)
        guard !available.isEmpty else { throw StylizeError.noWeights(directory: directory.path) }
        try self.init(weightsDirectory: directory, methods: Set(available))
    }

    public var methods: [Method] {
        Method.allCases.filter { supports($0) }
    }

    public func supports(_ method: Method) -> Bool {
        switch method {
        case .sanet: return sanet != nil
        case .adain: return adainDecoder != nil
        case .magenta: return magenta != nil
        }
    }
}
