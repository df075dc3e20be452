import Foundation

/// An int8 activation's quantisation: real value = (level - zeroPoint) x scale.
public struct Quantization: Sendable {
    public let scale: Float
    public let zeroPoint: Float

    public init(scale: Float, zeroPoint: Float) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// A rescaled difference from the zero point as an int8 level: rounded half to even and
    /// saturated, as onnxruntime's int8 kernels do. (Anything beyond +-512 saturates anyway.)
    @inline(__always)
    func level(_ value: Float) -> Float {
        min(max(roundedHalfEven(min(max(value, -512), 512)) + zeroPoint, -128), 127)
    }
}

/// ONNX QuantizeLinear / DequantizeLinear with int8 and one scale for the whole tensor, as
/// the graphs apply them to activations. Quantised values are kept as whole floats.
extension Tensor {
    /// clamp(round_half_even(x / scale) + zeroPoint, -128, 127), computed as onnxruntime does.
    public mutating func quantize(_ levels: Quantization, context: ComputeContext) {
        update(Quantizing(levels: levels), context: context)
    }

    /// (q - zeroPoint) * scale.
    public mutating func dequantize(_ levels: Quantization, context: ComputeContext) {
        update(Dequantizing(levels: levels), context: context)
    }

    /// `quantize(levels)` then `dequantize(back)`, in one pass over the values.
    public mutating func roundTrip(_ levels: Quantization, _ back: Quantization, context: ComputeContext) {
        update(RoundTrip(quantizing: Quantizing(levels: levels), dequantizing: Dequantizing(levels: back)), context: context)
    }
}

/// The same steps on one block of values, for a chain of steps that goes through a tensor block by block.
extension Quantization {
    public func quantize(_ values: UnsafeMutablePointer<Float>, count: Int) {
        Quantizing(levels: self).apply(to: values, count: count)
    }

    public func dequantize(_ values: UnsafeMutablePointer<Float>, count: Int) {
        Dequantizing(levels: self).apply(to: values, count: count)
    }

    public func roundTrip(_ values: UnsafeMutablePointer<Float>, count: Int, back: Quantization) {
        RoundTrip(quantizing: Quantizing(levels: self), dequantizing: Dequantizing(levels: back)).apply(to: values, count: count)
    }
}

private struct RoundTrip: ElementwiseFunction {
    let quantizing: Quantizing
    let dequantizing: Dequantizing

    func callAsFunction(_ x: Float) -> Float { dequantizing(quantizing(x)) }
}

private struct Quantizing: ElementwiseFunction {
    let levels: Quantization

    func callAsFunction(_ x: Float) -> Float { levels.level(x / levels.scale) }
}

private struct Dequantizing: ElementwiseFunction {
    let levels: Quantization

    func callAsFunction(_ x: Float) -> Float { (x - levels.zeroPoint) * levels.scale }
}

/// Rounds half to even, as `rounded(.toNearestOrEven)` does, without a library call: adding and
/// subtracting 1.5 x 2^23 leaves no fraction bits, and the default rounding mode is half to even.
/// `value` must lie within +-2^22.
@inline(__always)
func roundedHalfEven(_ value: Float) -> Float {
    let shift: Float = 12_582_912
    return (value + shift) - shift
}
