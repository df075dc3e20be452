extension Tensor {
    /// Reflection-pads the bottom and right edges so both sides become multiples of `multiple`:
    /// the networks' strides need it, and `cropped(height:width:)` undoes it.
    public func reflectPadded(toMultipleOf multiple: Int) -> Tensor {
        let outH = (height + multiple - 1) / multiple * multiple
        let outW = (width + multiple - 1) / multiple * multiple
        return reflectPadded(top: 0, left: 0, bottom: outH - height, right: outW - width)
    }

    /// Reflection padding by different amounts on each side (PyTorch's ReflectionPad2d, ONNX Pad
    /// with mode reflect), the channels spread over the context's threads.
    public func reflectPadded(top: Int, left: Int, bottom: Int, right: Int,
                              context: ComputeContext = ComputeContext(threads: 1)) -> Tensor {
        if top == 0 && left == 0 && bottom == 0 && right == 0 { return self }
        precondition(top < height && bottom < height && left < width && right < width, "reflection pad wider than the features")
        let outH = height + top + bottom, outW = width + left + right
        var output = Tensor(unfilled: channels, height: outH, width: outW)
        values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                context.forEach(channels, grain: max(1, Tensor.elementwiseGrain / (outH * outW))) { c in
                    for y in 0..<outH {
                        let line = src.baseAddress! + (c * height + reflect(y - top, size: height)) * width
                        let out = dst.baseAddress! + (c * outH + y) * outW
                        for x in 0..<left { out[x] = line[reflect(x - left, size: width)] }
                        (out + left).update(from: line, count: width)
                        for x in (left + width)..<outW { out[x] = line[reflect(x - left, size: width)] }
                    }
                }
            }
        }
        return output
    }

    /// The top-left `height x width` corner of every channel.
    public func cropped(height newHeight: Int, width newWidth: Int) -> Tensor {
        if newHeight == height && newWidth == width { return self }
        var output = Tensor(unfilled: channels, height: newHeight, width: newWidth)
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

/// Index of `i` after reflection about the borders of `0..<size` (PyTorch's ReflectionPad).
@inline(__always)
func reflect(_ i: Int, size: Int) -> Int {
    if i < 0 { return -i }
    if i >= size { return 2 * size - 2 - i }
    return i
}
