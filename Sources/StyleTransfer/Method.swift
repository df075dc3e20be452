import Foundation

/// The stylization methods the engine can run, best first: SANet and AdaIN share the VGG
/// encoder and the decoder layout; Magenta is a separate, fast network.
public enum Method: String, CaseIterable, Sendable, Comparable {
    /// Style-attentional networks (Park and Lee, 2019).
    case sanet
    /// Adaptive instance normalisation (Huang and Belongie, 2017).
    case adain
    /// Arbitrary image stylization (Ghiasi et al., 2017), Magenta's int8 ONNX export.
    case magenta

    /// Both sides of the content are padded to a multiple of this: the encoder's total stride
    /// at the deepest features the method uses.
    var stride: Int {
        switch self {
        case .sanet: return 16
        case .adain: return 8
        case .magenta: return MagentaModel.stride
        }
    }

    /// The checkpoint files the method needs beside the encoder's.
    public var checkpointFiles: [CheckpointFile] {
        switch self {
        case .sanet: return [.vgg, .sanetDecoder, .sanetTransform]
        case .adain: return [.vgg, .adainDecoder]
        case .magenta: return []
        }
    }

    /// Every file the method reads from the weights folder.
    public var weightFiles: [String] {
        self == .magenta ? [MagentaModel.predictorFile, MagentaModel.transformFile] : checkpointFiles.map(\.rawValue)
    }

    /// The methods whose files are all in `directory`, best first.
    public static func available(in directory: URL) -> [Method] {
        allCases.filter { $0.missingFiles(in: directory).isEmpty }
    }

    /// The method's files that `directory` lacks.
    public func missingFiles(in directory: URL) -> [String] {
        weightFiles.filter { !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }

    public static func < (lhs: Method, rhs: Method) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
