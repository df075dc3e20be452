import Foundation

/// ONNX QuantizeLinear / DequantizeLinear with int8 and one scale for the whole tensor, as
/// the graphs apply them to activations. Quantised values are kept as whole floats.
extension Tensor {
    /// clamp(round_half_even(x / scale) + zeroPoint, -128, 127), computed as onnxruntime does.
    mutating func quantize(_ levels: Quantization) {
        update { levels.level($0 / levels.scale) }
    }

    /// (q - zeroPoint) * scale.
    mutating func dequantize(_ levels: Quantization) {
        update { ($0 - levels.zeroPoint) * levels.scale }
    }
}
