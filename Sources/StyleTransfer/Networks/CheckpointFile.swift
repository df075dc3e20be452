import Foundation
import TorchCheckpoint

/// The official checkpoints, under the names they are published with.
public enum CheckpointFile: String, CaseIterable, Sendable {
    case vgg = "vgg_normalised.pth"
    case sanetDecoder = "decoder_iter_500000.pth"
    case sanetTransform = "transformer_iter_500000.pth"
    case adainDecoder = "decoder.pth"

    /// The parameters the engine reads from the file, and the keys it may hold but that are never used.
    var schema: (expected: [ParameterSpec], unused: Set<String>) {
        switch self {
        case .vgg: return (Encoder.parameters, Encoder.unusedKeys)
        case .sanetDecoder, .adainDecoder: return (Decoder.parameters, [])
        case .sanetTransform: return (Transform.parameters, [])
        }
    }

    /// Reads and checks the file in `directory`: every expected key present with its shape, nothing unexpected.
    func load(from directory: URL) throws -> [String: [Float]] {
        let url = directory.appendingPathComponent(rawValue)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CheckpointError(file: url.path, message:
                "no such file; put the official \(rawValue) in \(directory.path) (see weights/README.md)")
        }
        let (expected, unused) = schema
        return try Checkpoint(contentsOf: url).load(expected: expected, unused: unused)
    }
}
