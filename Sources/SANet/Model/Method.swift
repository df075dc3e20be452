/// The stylization methods the engine can run; both share the encoder and the decoder layout.
public enum Method: String, CaseIterable, Sendable, Comparable {
    /// Style-attentional networks (Park and Lee, 2019).
    case sanet
    /// Adaptive instance normalisation (Huang and Belongie, 2017).
    case adain

    /// Both sides of the content are padded to a multiple of this: the encoder's total stride
    /// at the deepest features the method uses.
    var stride: Int {
        switch self {
        case .sanet: return 16
        case .adain: return 8
        }
    }

    /// The checkpoint files the method needs beside the encoder's.
    public var checkpointFiles: [CheckpointFile] {
        switch self {
        case .sanet: return [.vgg, .sanetDecoder, .sanetTransform]
        case .adain: return [.vgg, .adainDecoder]
        }
    }

    public static func < (lhs: Method, rhs: Method) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
