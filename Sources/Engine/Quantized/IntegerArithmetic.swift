import Foundation

/// onnxruntime's QLinearAdd and QLinearMul on int8 levels held as whole floats: differences
/// from the zero points, one float rescale, then the output's rounding.
public struct IntegerBinary: Sendable {
    public enum Operation: Sendable { case add, multiply }

    let operation: Operation
    let a: Quantization
    let b: Quantization
    let output: Quantization

    public init(operation: Operation, a: Quantization, b: Quantization, output: Quantization) {
        self.operation = operation
        self.a = a
        self.b = b
        self.output = output
    }

    /// `x` combined with `y` in place; either may be broadcast per channel. False when the
    /// shapes do not broadcast.
    public func callAsFunction(_ x: inout Tensor, _ y: Tensor, context: ComputeContext) -> Bool {
        let (za, zb, out) = (a.zeroPoint, b.zeroPoint, output)
        switch operation {
        case .add:
            let (ra, rb) = (a.scale / out.scale, b.scale / out.scale)
            return x.combine(with: y, context: context) { p, q in out.level(ra * (p - za) + rb * (q - zb)) }
        case .multiply:
            let ratio = a.scale * b.scale / out.scale
            return x.combine(with: y, context: context) { p, q in out.level((p - za) * (q - zb) * ratio) }
        }
    }
}

/// onnxruntime's QLinearGlobalAveragePool: an exact integer sum per channel, then one rescale.
public struct IntegerAveragePool: Sendable {
    let input: Quantization
    let output: Quantization

    public init(input: Quantization, output: Quantization) {
        self.input = input
        self.output = output
    }

    public func callAsFunction(_ x: Tensor, context: ComputeContext) -> Tensor {
        let n = x.planeSize
        let ratio = input.scale / output.scale / Float(n)
        let zeroSum = Int(input.zeroPoint) * n
        var result = Tensor(zeros: x.channels, height: 1, width: 1)
        x.values.withUnsafeBufferPointer { src in
            result.values.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                context.forEach(x.channels, grain: max(1, Tensor.elementwiseGrain / n)) { c in
                    var sum = 0
                    for i in c * n..<(c + 1) * n { sum += Int(src[i]) }
                    dst[c] = output.level(Float(sum - zeroSum) * ratio)
                }
            }
        }
        return result
    }
}
