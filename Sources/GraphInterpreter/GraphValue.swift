import Engine

/// A value flowing through an ONNX graph: a 4-D array with batch 1, held as a `Tensor`.
/// `channelsLast` marks arrays whose ONNX shape is NHWC (the graphs' inputs and outputs,
/// as exported from TensorFlow); their data is still stored channel by channel, so the
/// graphs' NHWC <-> NCHW transposes and [1,C,1,1] <-> [1,1,1,C] reshapes move no data.
public struct GraphValue: Sendable {
    public var tensor: Tensor
    public var channelsLast: Bool

    public init(_ tensor: Tensor, channelsLast: Bool = false) {
        self.tensor = tensor
        self.channelsLast = channelsLast
    }
}
