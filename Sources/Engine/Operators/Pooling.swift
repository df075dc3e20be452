import CKernels

extension Tensor {
    /// 2x2 max-pool with stride 2 and `ceil_mode=True`: an odd row or column keeps a
    /// half window, so style images of any size go through the encoder.
    public func maxPooled(context: ComputeContext) -> Tensor {
        RowBand(self).maxPooled(rows: 0..<((height + 1) / 2), context: context)
    }
}

extension RowBand {
    /// Output rows `rows` of the max-pool, from the band holding input rows 2 * rows.
    func maxPooled(rows: Range<Int>, context: ComputeContext) -> Tensor {
        let channels = tensor.channels, height = tensor.height, width = tensor.width
        let outW = (width + 1) / 2
        var output = Tensor(unfilled: channels, height: rows.count, width: outW)
        tensor.values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                context.forEach(channels) { c in
                    let plane = src + c * height * width
                    let out = dst + c * rows.count * outW
                    for (r, oy) in rows.enumerated() {
                        let y0 = row(reflecting: 2 * oy), y1 = row(reflecting: min(2 * oy + 1, fullHeight - 1))
                        max_pool_row(plane + y0 * width, plane + y1 * width, Int32(width), out + r * outW)
                    }
                }
            }
        }
        return output
    }
}
