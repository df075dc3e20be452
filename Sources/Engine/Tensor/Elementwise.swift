import Foundation

extension Tensor {
    /// `self = op(self, other)` element by element, where either side may be one value per
    /// channel (C x 1 x 1) or a single value (1 x 1 x 1), as ONNX broadcasting allows in these
    /// graphs. In place when `self` is the larger side. False when the shapes do not broadcast.
    /// Channels are spread over the context's threads.
    @inlinable
    public mutating func combine(with other: Tensor, context: ComputeContext, _ op: (Float, Float) -> Float) -> Bool {
        guard planeSize >= other.planeSize, channels >= other.channels else {
            var result = other
            guard result.combine(with: self, context: context, { op($1, $0) }) else { return false }
            self = result
            return true
        }
        let sameShape = other.shape == shape
        guard sameShape || (other.planeSize == 1 && (other.channels == channels || other.channels == 1)) else { return false }
        let n = planeSize
        let perBroadcast = other.channels == 1
        values.withUnsafeMutableBufferPointer { out in
            other.values.withUnsafeBufferPointer { b in
                let out = out.baseAddress!, b = b.baseAddress!
                context.forEach(channels, grain: max(1, Tensor.elementwiseGrain / n)) { c in
                    let perChannel = b[perBroadcast ? 0 : c]
                    for i in c * n..<(c + 1) * n { out[i] = op(out[i], sameShape ? b[i] : perChannel) }
                }
            }
        }
        return true
    }

    /// `transform` applied to every value, in place, the values spread over the context's threads.
    @inlinable
    public mutating func update(context: ComputeContext, _ transform: (Float) -> Float) {
        let count = values.count
        values.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            context.forEachChunk(of: count, grain: Tensor.elementwiseGrain) { range in
                for i in range { out[i] = transform(out[i]) }
            }
        }
    }

    /// Values below which an element-by-element step stays on one thread.
    public static let elementwiseGrain = 1 << 14
}
