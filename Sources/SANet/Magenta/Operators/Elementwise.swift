import Foundation

extension Tensor {
    /// `op(self, other)` element by element, where either side may be one value per channel
    /// (C x 1 x 1) or a single value (1 x 1 x 1), as ONNX broadcasting allows in these graphs.
    func combined(with other: Tensor, _ op: (Float, Float) -> Float) -> Tensor? {
        let (large, swapped) = planeSize >= other.planeSize && channels >= other.channels ? (self, false) : (other, true)
        let small = swapped ? self : other
        guard small.shape == large.shape || (small.planeSize == 1 && (small.channels == large.channels || small.channels == 1)) else {
            return nil
        }
        var output = large
        let n = large.planeSize
        let sameShape = small.shape == large.shape
        output.values.withUnsafeMutableBufferPointer { out in
            small.values.withUnsafeBufferPointer { s in
                for c in 0..<large.channels {
                    let perChannel = s[small.channels == 1 ? 0 : c]
                    for i in c * n..<(c + 1) * n {
                        let b = sameShape ? s[i] : perChannel
                        out[i] = swapped ? op(b, out[i]) : op(out[i], b)
                    }
                }
            }
        }
        return output
    }

    func mapped(_ transform: (Float) -> Float) -> Tensor {
        var output = self
        output.values.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count { out[i] = transform(out[i]) }
        }
        return output
    }
}
