import Foundation

/// ONNX QuantizeLinear / DequantizeLinear with int8 and one scale for the whole tensor, as
/// the graphs apply them to activations. Quantised values are kept as whole floats.
extension Tensor {
    /// clamp(round_half_even(x / scale) + zeroPoint, -128, 127), computed as onnxruntime does.
    mutating func quantize(scale: Float, zeroPoint: Float) {
        let levels = Quantization(scale: scale, zeroPoint: zeroPoint)
        update { levels.level($0 / scale) }
    }

    /// (q - zeroPoint) * scale.
    mutating func dequantize(scale: Float, zeroPoint: Float) {
        update { ($0 - zeroPoint) * scale }
    }
}
