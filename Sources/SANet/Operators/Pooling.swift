extension Tensor {
    /// 2x2 max-pool with stride 2 and `ceil_mode=True`: an odd row or column keeps a
    /// half window, so style images of any size go through the encoder.
    public func maxPooled() -> Tensor {
        let outH = (height + 1) / 2, outW = (width + 1) / 2
        var output = Tensor(zeros: channels, height: outH, width: outW)
        values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    let plane = src.baseAddress! + c * height * width
                    let out = dst.baseAddress! + c * outH * outW
                    for oy in 0..<outH {
                        let y0 = 2 * oy, y1 = min(2 * oy + 1, height - 1)
                        for ox in 0..<outW {
                            let x0 = 2 * ox, x1 = min(2 * ox + 1, width - 1)
                            out[oy * outW + ox] = max(max(plane[y0 * width + x0], plane[y0 * width + x1]),
                                                      max(plane[y1 * width + x0], plane[y1 * width + x1]))
                        }
                    }
                }
            }
        }
        return output
    }
}
