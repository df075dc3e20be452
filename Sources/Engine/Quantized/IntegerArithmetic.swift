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
        switch operation {
        case .add: return x.combine(with: y, QuantizedSum(a: a, b: b, output: output), context: context)
        case .multiply: return x.combine(with: y, QuantizedProduct(a: a, b: b, output: output), context: context)
        }
    }
}

extension IntegerBinary {
    /// The same on one block of `x`, `y` lined up with it or broadcast over it.
    public func apply(to x: UnsafeMutablePointer<Float>, count: Int, _ y: BlockOperand) {
        switch operation {
        case .add: QuantizedSum(a: a, b: b, output: output).apply(to: x, count: count, y)
        case .multiply: QuantizedProduct(a: a, b: b, output: output).apply(to: x, count: count, y)
        }
    }
}

/// ra (p - za) + rb (q - zb) as an output level, with r the ratios of the input scales to the output's.
private struct QuantizedSum: ElementwiseCombination {
    let za: Float, zb: Float, ra: Float, rb: Float, output: Quantization

    init(a: Quantization, b: Quantization, output: Quantization) {
        (za, zb, ra, rb) = (a.zeroPoint, b.zeroPoint, a.scale / output.scale, b.scale / output.scale)
        self.output = output
    }

    func callAsFunction(_ p: Float, _ q: Float) -> Float { output.level(ra * (p - za) + rb * (q - zb)) }
}

/// (p - za) (q - zb) sa sb / so as an output level.
private struct QuantizedProduct: ElementwiseCombination {
    let za: Float, zb: Float, ratio: Float, output: Quantization

    init(a: Quantization, b: Quantization, output: Quantization) {
        (za, zb, ratio) = (a.zeroPoint, b.zeroPoint, a.scale * b.scale / output.scale)
        self.output = output
    }

    func callAsFunction(_ p: Float, _ q: Float) -> Float { output.level((p - za) * (q - zb) * ratio) }
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
                    dst[c] = output.level(Float(Self.levelSum(src + c * n, count: n) - zeroSum) * ratio)
                }
            }
        }
        return result
    }

    /// The exact sum of `count` int8 levels. Sixteen float lanes over runs of 2^16 levels stay
    /// below 2^24 (4096 levels of at most 128 each per lane), where float sums are exact in any
    /// order, so the lanes vectorise and only each run's total is carried as an integer.
    static func levelSum(_ levels: UnsafePointer<Float>, count: Int) -> Int {
        let run = 1 << 16
        var total = 0
        var start = 0
        while start < count {
            let end = min(start + run, count)
            var lanes = SIMD16<Float>()
            var i = start
            while i + 16 <= end {
                lanes += UnsafeRawPointer(levels + i).loadUnaligned(as: SIMD16<Float>.self)
                i += 16
            }
            var tail: Float = 0
            while i < end {
                tail += levels[i]
                i += 1
            }
            total += Int(lanes.sum() + tail)
            start = end
        }
        return total
    }
}
