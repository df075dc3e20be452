import Foundation

/// onnxruntime's QLinearAdd and QLinearMul on int8 levels held as whole floats: differences
/// from the zero points, one float rescale, then the output's rounding.
struct IntegerBinary: Sendable {
    enum Operation: Sendable { case add, multiply }

    let operation: Operation
    let a: Quantization
    let b: Quantization
    let output: Quantization

    /// `x` combined with `y` in place; either may be broadcast per channel. False when the
    /// shapes do not broadcast.
    func callAsFunction(_ x: inout Tensor, _ y: Tensor) -> Bool {
        let (za, zb, out) = (a.zeroPoint, b.zeroPoint, output)
        switch operation {
        case .add:
            let (ra, rb) = (a.scale / out.scale, b.scale / out.scale)
            return x.combine(with: y) { p, q in out.level(ra * (p - za) + rb * (q - zb)) }
        case .multiply:
            let ratio = a.scale * b.scale / out.scale
            return x.combine(with: y) { p, q in out.level((p - za) * (q - zb) * ratio) }
        }
    }
}

/// onnxruntime's QLinearGlobalAveragePool: an exact integer sum per channel, then one rescale.
struct IntegerAveragePool: Sendable {
    let input: Quantization
    let output: Quantization

    func callAsFunction(_ x: Tensor) -> Tensor {
        let n = x.planeSize
        let ratio = input.scale / output.scale / Float(n)
        let zeroSum = Int(input.zeroPoint) * n
        var result = Tensor(zeros: x.channels, height: 1, width: 1)
        x.values.withUnsafeBufferPointer { src in
            for c in 0..<x.channels {
                var sum = 0
                for i in c * n..<(c + 1) * n { sum += Int(src[i]) }
                result.values[c] = output.level(Float(sum - zeroSum) * ratio)
            }
        }
        return result
    }
}
