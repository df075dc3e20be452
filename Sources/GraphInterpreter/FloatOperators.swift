import Engine
import Foundation

/// The float steps' arithmetic, one type per operator, chosen once per step: each element loop
/// is compiled for its operator alone, with no switch inside it, so that it vectorises.
extension QuantizedGraph.BinaryOperator {
    func apply(to x: inout Tensor, _ y: Tensor, context: ComputeContext) -> Bool {
        switch self {
        case .add: return x.combine(with: y, Sum(), context: context)
        case .subtract: return x.combine(with: y, Difference(), context: context)
        case .multiply: return x.combine(with: y, Product(), context: context)
        }
    }
}

extension QuantizedGraph.UnaryOperator {
    func apply(to x: inout Tensor, context: ComputeContext) {
        switch self {
        case .relu: x.update(Rectifier(), context: context)
        case let .clip(low, high): x.update(Clipping(low: low, high: high), context: context)
        case .squareRoot: x.update(SquareRoot(), context: context)
        case .reciprocal: x.update(Reciprocal(), context: context)
        case .sigmoid: x.update(Logistic(), context: context)
        }
    }
}

/// The same on one block of values.
extension QuantizedGraph.BinaryOperator {
    func apply(to x: UnsafeMutablePointer<Float>, count: Int, _ y: BlockOperand) {
        switch self {
        case .add: Sum().apply(to: x, count: count, y)
        case .subtract: Difference().apply(to: x, count: count, y)
        case .multiply: Product().apply(to: x, count: count, y)
        }
    }
}

extension QuantizedGraph.UnaryOperator {
    func apply(to x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .relu: Rectifier().apply(to: x, count: count)
        case let .clip(low, high): Clipping(low: low, high: high).apply(to: x, count: count)
        case .squareRoot: SquareRoot().apply(to: x, count: count)
        case .reciprocal: Reciprocal().apply(to: x, count: count)
        case .sigmoid: Logistic().apply(to: x, count: count)
        }
    }
}

private struct Sum: ElementwiseCombination {
    func callAsFunction(_ x: Float, _ y: Float) -> Float { x + y }
}

private struct Difference: ElementwiseCombination {
    func callAsFunction(_ x: Float, _ y: Float) -> Float { x - y }
}

private struct Product: ElementwiseCombination {
    func callAsFunction(_ x: Float, _ y: Float) -> Float { x * y }
}

private struct Rectifier: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { max(x, 0) }
}

private struct Clipping: ElementwiseFunction {
    let low: Float, high: Float

    func callAsFunction(_ x: Float) -> Float { min(max(x, low), high) }
}

private struct SquareRoot: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { x.squareRoot() }
}

private struct Reciprocal: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { 1 / x }
}

private struct Logistic: ElementwiseFunction {
    func callAsFunction(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
}
