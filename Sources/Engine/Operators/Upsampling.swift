extension Tensor {
    /// Nearest-neighbour 2x upsampling (`nn.Upsample(scale_factor=2, mode='nearest')`).
    public func upsampledNearest2x() -> Tensor {
        RowBand(self).upsampledNearest2x(rows: 0..<(2 * height))
    }
}

extension RowBand {
    /// Output rows `rows` of the 2x upsampling, from the band holding input rows rows / 2.
    func upsampledNearest2x(rows: Range<Int>) -> Tensor {
        let channels = tensor.channels, height = tensor.height, width = tensor.width
        let outW = 2 * width
        var output = Tensor(unfilled: channels, height: rows.count, width: outW)
        tensor.values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                Parallel.forEach(channels) { c in
                    for (r, y) in rows.enumerated() {
                        let line = src + (c * height + row(reflecting: y / 2)) * width
                        let out = dst + (c * rows.count + r) * outW
                        for x in 0..<width {
                            out[2 * x] = line[x]
                            out[2 * x + 1] = line[x]
                        }
                    }
                }
            }
        }
        return output
    }
}
