extension Tensor {
    /// Reflection padding by different amounts on each side (ONNX Pad, mode reflect).
    func reflectPadded(top: Int, left: Int, bottom: Int, right: Int) -> Tensor {
        precondition(top < height && bottom < height && left < width && right < width, "reflection pad wider than the features")
        let outH = height + top + bottom, outW = width + left + right
        var output = Tensor(zeros: channels, height: outH, width: outW)
        values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for y in 0..<outH {
                        let line = src.baseAddress! + (c * height + reflect(y - top, size: height)) * width
                        let out = dst.baseAddress! + (c * outH + y) * outW
                        for x in 0..<outW { out[x] = line[reflect(x - left, size: width)] }
                    }
                }
            }
        }
        return output
    }

    /// Nearest-neighbour upsampling by whole factors (ONNX Resize, asymmetric, floor).
    func upsampledNearest(factorY: Int, factorX: Int) -> Tensor {
        if factorY == 1 && factorX == 1 { return self }
        let outH = height * factorY, outW = width * factorX
        var output = Tensor(zeros: channels, height: outH, width: outW)
        values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    for y in 0..<outH {
                        let line = src.baseAddress! + (c * height + y / factorY) * width
                        let out = dst.baseAddress! + (c * outH + y) * outW
                        for x in 0..<outW { out[x] = line[x / factorX] }
                    }
                }
            }
        }
        return output
    }
}
