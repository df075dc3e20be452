/// A feature map of one image: `channels` planes of `height x width` float32 values,
/// stored contiguously in CHW order (PyTorch's NCHW with N = 1).
public struct Tensor: Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public var values: [Float]

    public init(channels: Int, height: Int, width: Int, values: [Float]) {
        precondition(values.count == channels * height * width, "tensor values do not match its shape")
        self.channels = channels
        self.height = height
        self.width = width
        self.values = values
    }

    public init(zeros channels: Int, height: Int, width: Int) {
        self.init(channels: channels, height: height, width: width,
                  values: [Float](repeating: 0, count: channels * height * width))
    }

    /// A tensor whose every value the caller overwrites before reading: skips a pass that zeroes it.
    public init(unfilled channels: Int, height: Int, width: Int) {
        self.init(channels: channels, height: height, width: width,
                  values: [Float](unsafeUninitializedCapacity: channels * height * width) { $1 = $0.count })
    }

    /// Positions per channel: the attention's sequence length.
    public var planeSize: Int { height * width }

    public var shape: [Int] { [channels, height, width] }

    /// `self * a + other * b`, element by element; the blend behind alpha and style interpolation.
    public func scaled(by a: Float, plus other: Tensor, scaledBy b: Float) -> Tensor {
        var result = self
        result.scale(by: a, adding: other, scaledBy: b)
        return result
    }

    /// `self = self * a + other * b` in place, so that a blend of large maps holds no third one.
    public mutating func scale(by a: Float, adding other: Tensor, scaledBy b: Float) {
        precondition(shape == other.shape, "cannot blend tensors of shapes \(shape) and \(other.shape)")
        values.withUnsafeMutableBufferPointer { out in
            other.values.withUnsafeBufferPointer { rhs in
                for i in 0..<out.count { out[i] = out[i] * a + rhs[i] * b }
            }
        }
    }

    public func scaled(by a: Float) -> Tensor {
        var result = self
        result.values.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count { out[i] *= a }
        }
        return result
    }
}

extension Tensor {
    /// Copies `band` (same channels and width) over rows `top ..< top + band.height`.
    public mutating func replaceRows(startingAt top: Int, with band: Tensor) {
        precondition(band.channels == channels && band.width == width && top + band.height <= height)
        let plane = planeSize, bandPlane = band.planeSize
        values.withUnsafeMutableBufferPointer { dst in
            band.values.withUnsafeBufferPointer { src in
                for c in 0..<channels {
                    (dst.baseAddress! + c * plane + top * width).update(from: src.baseAddress! + c * bandPlane, count: bandPlane)
                }
            }
        }
    }

    /// A copy of rows `rows`: a band of the map for a pass that works on one band at a time.
    public func rows(_ rows: Range<Int>) -> Tensor {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= height, "rows \(rows) outside a map \(height) high")
        var band = Tensor(unfilled: channels, height: rows.count, width: width)
        let plane = planeSize, bandPlane = band.planeSize
        band.values.withUnsafeMutableBufferPointer { dst in
            values.withUnsafeBufferPointer { src in
                for c in 0..<channels {
                    (dst.baseAddress! + c * bandPlane).update(from: src.baseAddress! + c * plane + rows.lowerBound * width,
                                                              count: bandPlane)
                }
            }
        }
        return band
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        lhs.scaled(by: 1, plus: rhs, scaledBy: 1)
    }
}
