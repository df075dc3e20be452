extension Tensor {
    /// Nearest-neighbour 2x upsampling (`nn.Upsample(scale_factor=2, mode='nearest')`).
    public func upsampledNearest2x() -> Tensor {
        let outW = 2 * width
        var output = Tensor(zeros: channels, height: 2 * height, width: outW)
        values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for y in 0..<height {
                        let line = src.baseAddress! + (c * height + y) * width
                        let out = dst.baseAddress! + (c * 2 * height + 2 * y) * outW
                        for x in 0..<width {
                            out[2 * x] = line[x]
                            out[2 * x + 1] = line[x]
                        }
                        (out + outW).update(from: out, count: outW)
                    }
                }
            }
        }
        return output
    }
}
