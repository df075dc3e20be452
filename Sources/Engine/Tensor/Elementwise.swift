import Foundation

extension Tensor {
    /// `self = op(self, other)` element by element, where either side may be one value per
    /// channel (C x 1 x 1) or a single value (1 x 1 x 1), as ONNX broadcasting allows in these
    /// graphs. In place when `self` is the larger side. False when the shapes do not broadcast.
    mutating func combine(with other: Tensor, _ op: (Float, Float) -> Float) -> Bool {
        guard planeSize >= other.planeSize, channels >= other.channels else {
            var result = other
            guard result.combine(with: self, { op($1, $0) }) else { return false }
            self = result
            return true
        }
        let sameShape = other.shape == shape
        guard sameShape || (other.planeSize == 1 && (other.channels == channels || other.channels == 1)) else { return false }
        let n = planeSize
        values.withUnsafeMutableBufferPointer { out in
            other.values.withUnsafeBufferPointer { b in
                for c in 0..<channels {
                    let perChannel = b[other.channels == 1 ? 0 : c]
                    for i in c * n..<(c + 1) * n { out[i] = op(out[i], sameShape ? b[i] : perChannel) }
                }
            }
        }
        return true
    }

    /// `transform` applied to every value, in place.
    mutating func update(_ transform: (Float) -> Float) {
        values.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count { out[i] = transform(out[i]) }
        }
    }
}
