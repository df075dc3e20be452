import Foundation
import TorchCheckpoint

/// The weights of every loaded method, read once and shared read-only by any number of
/// concurrent stylizations.
public final class StyleTransferModel: Sendable {
    public let encoder: Encoder
    let sanet: SANetHead?
    let adainDecoder: Decoder?
    /// Encoded styles, shared by every stylization with this model.
    public let styleCache = StyleCache()

    struct SANetHead: Sendable {
        let transform: Transform
        let decoder: Decoder
    }

    /// Loads the checkpoints of `methods` from `directory` (official file names); throws
    /// `CheckpointError` naming the file and key of the first problem.
    public init(weightsDirectory directory: URL, methods: Set<Method>) throws {
        precondition(!methods.isEmpty, "load at least one method")
        HeapReuse.configured
        encoder = Encoder(parameters: try CheckpointFile.vgg.load(from: directory))
        sanet = methods.contains(.sanet)
            ? SANetHead(transform: Transform(parameters: try CheckpointFile.sanetTransform.load(from: directory)),
                        decoder: Decoder(parameters: try CheckpointFile.sanetDecoder.load(from: directory)))
            : nil
        adainDecoder = methods.contains(.adain)
            ? Decoder(parameters: try CheckpointFile.adainDecoder.load(from: directory))
            : nil
    }

    public var methods: [Method] {
        Method.allCases.filter { supports($0) }
    }

    public func supports(_ method: Method) -> Bool {
        switch method {
        case .sanet: return sanet != nil
        case .adain: return adainDecoder != nil
        }
    }
}
