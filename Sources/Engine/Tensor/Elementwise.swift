/// A function of one value that a tensor applies to each of its values. A generic parameter
/// rather than a closure: each use is compiled into the loop, on every thread.
public protocol ElementwiseFunction: Sendable {
    func callAsFunction(_ x: Float) -> Float
}

/// A function of two values that combines two tensors value by value.
public protocol ElementwiseCombination: Sendable {
    func callAsFunction(_ x: Float, _ y: Float) -> Float
}

/// `f(y, x)`: the combination with its operands swapped.
@usableFromInline
struct Swapped<F: ElementwiseCombination>: ElementwiseCombination {
    @usableFromInline let f: F

    @inlinable init(_ f: F) { self.f = f }

    @inlinable func callAsFunction(_ x: Float, _ y: Float) -> Float { f(y, x) }
}

extension Tensor {
    /// `self = f(self, other)` element by element, where either side may be one value per
    /// channel (C x 1 x 1) or a single value (1 x 1 x 1), as ONNX broadcasting allows in these
    /// graphs. In place when `self` is the larger side. False when the shapes do not broadcast.
    /// Channels are spread over the context's threads.
    @inlinable
    public mutating func combine<F: ElementwiseCombination>(with other: Tensor, _ f: F, context: ComputeContext) -> Bool {
        guard planeSize >= other.planeSize, channels >= other.channels else {
            var result = other
            guard result.combine(with: self, Swapped(f), context: context) else { return false }
            self = result
            return true
        }
        let sameShape = other.shape == shape
        guard sameShape || (other.planeSize == 1 && (other.channels == channels || other.channels == 1)) else { return false }
        let n = planeSize
        let broadcastOne = other.channels == 1
        values.withUnsafeMutableBufferPointer { out in
            other.values.withUnsafeBufferPointer { b in
                let out = out.baseAddress!, b = b.baseAddress!
                context.forEach(channels, grain: max(1, Tensor.elementwiseGrain / n)) { c in
                    f.apply(to: out + c * n, count: n, sameShape ? .values(b + c * n) : .scalar(b[broadcastOne ? 0 : c]))
                }
            }
        }
        return true
    }

    /// `f` applied to every value, in place, the values spread over the context's threads.
    @inlinable
    public mutating func update<F: ElementwiseFunction>(_ f: F, context: ComputeContext) {
        let count = values.count
        values.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            context.forEachChunk(of: count, grain: Tensor.elementwiseGrain) { range in
                f.apply(to: out + range.lowerBound, count: range.count)
            }
        }
    }

    /// Values below which an element-by-element step stays on one thread.
    public static let elementwiseGrain = 1 << 14
}

/// The other side of a combination over one block of values: values that line up with the
/// block, or one value for all of it (a per-channel or whole-tensor broadcast).
public enum BlockOperand {
    case values(UnsafePointer<Float>)
    case scalar(Float)
}

extension ElementwiseFunction {
    /// `f` applied to `count` values in place: a block of a tensor that a chain of steps goes through
    /// while it is in cache.
    @inlinable
    public func apply(to values: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { values[i] = self(values[i]) }
    }
}

extension ElementwiseCombination {
    /// `values[i] = f(values[i], operand)` over one block, in place.
    @inlinable
    public func apply(to values: UnsafeMutablePointer<Float>, count: Int, _ operand: BlockOperand) {
        switch operand {
        case let .values(other): for i in 0..<count { values[i] = self(values[i], other[i]) }
        case let .scalar(other): for i in 0..<count { values[i] = self(values[i], other) }
        }
    }
}
