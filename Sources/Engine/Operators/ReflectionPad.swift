extension Tensor {
    /// Reflection-pads the bottom and right edges so both sides become multiples of `multiple`:
    /// the networks' strides need it, and `cropped(height:width:)` undoes it.
    public func reflectPadded(toMultipleOf multiple: Int) -> Tensor {
        let outH = (height + multiple - 1) / multiple * multiple
        let outW = (width + multiple - 1) / multiple * multiple
        if outH == height && outW == width { return self }
        precondition(outH - height < height && outW - width < width, "reflection pad wider than the image")
        var output = Tensor(zeros: channels, height: outH, width: outW)
        values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for y in 0..<outH {
                        let line = src.baseAddress! + (c * height + reflect(y, size: height)) * width
                        let out = dst.baseAddress! + (c * outH + y) * outW
                        out.update(from: line, count: width)
                        for x in width..<outW { out[x] = line[reflect(x, size: width)] }
                    }
                }
            }
        }
        return output
    }

    /// The top-left `height x width` corner of every channel.
    public func cropped(height newHeight: Int, width newWidth: Int) -> Tensor {
        if newHeight == height && newWidth == width { return self }
        var output = Tensor(zeros: channels, height: newHeight, width: newWidth)
        values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for y in 0..<newHeight {
                        (dst.baseAddress! + (c * newHeight + y) * newWidth)
                            .update(from: src.baseAddress! + (c * height + y) * width, count: newWidth)
                    }
                }
            }
        }
        return output
    }
}
