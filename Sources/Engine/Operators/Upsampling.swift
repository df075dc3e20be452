extension Tensor {
    /// Nearest-neighbour upsampling by whole factors (`nn.Upsample(scale_factor=2, mode='nearest')`,
    /// ONNX Resize with nearest, asymmetric and floor).
    public func upsampledNearest(factorY: Int, factorX: Int, context: ComputeContext) -> Tensor {
        if factorY == 1 && factorX == 1 { return self }
        return RowBand(self).upsampledNearest(factorY: factorY, factorX: factorX, rows: 0..<(factorY * height),
                                              context: context)
    }
}

extension RowBand {
    /// Output rows `rows` of the upsampling, from the band holding input rows rows / factorY.
    public func upsampledNearest(factorY: Int, factorX: Int, rows: Range<Int>, context: ComputeContext) -> Tensor {
        let channels = tensor.channels, height = tensor.height, width = tensor.width
        let outW = factorX * width
        var output = Tensor(unfilled: channels, height: rows.count, width: outW)
        tensor.values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                context.forEach(channels) { c in
                    for (r, y) in rows.enumerated() {
                        let line = src + (c * height + row(reflecting: y / factorY)) * width
                        let out = dst + (c * rows.count + r) * outW
                        if factorX == 2 {
                            for x in 0..<width {
                                out[2 * x] = line[x]
                                out[2 * x + 1] = line[x]
                            }
                        } else {
                            for x in 0..<outW { out[x] = line[x / factorX] }
                        }
                    }
                }
            }
        }
        return output
    }
}
