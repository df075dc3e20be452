import Foundation

/// ONNX QuantizeLinear / DequantizeLinear with int8 and one scale for the whole tensor, as
/// the graphs apply them to activations. Quantised values are kept as whole floats.
extension Tensor {
    /// clamp(round_half_even(x / scale) + zeroPoint, -128, 127), computed as onnxruntime does.
    func quantized(scale: Float, zeroPoint: Float) -> Tensor {
        var output = self
        output.values.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count {
                out[i] = min(max((out[i] / scale).rounded(.toNearestOrEven) + zeroPoint, -128), 127)
            }
        }
        return output
    }

    /// (q - zeroPoint) * scale.
    func dequantized(scale: Float, zeroPoint: Float) -> Tensor {
        var output = self
        output.values.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count { out[i] = (out[i] - zeroPoint) * scale }
        }
        return output
    }
}
