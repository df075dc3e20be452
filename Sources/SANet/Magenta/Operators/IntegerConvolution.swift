import COpenBLAS

/// onnxruntime's QLinearConv: int8 input and weights, exact int32 sums, then one float
/// rescale per output channel, rounded half to even and saturated to int8. Values are int8
/// levels held as whole floats, as the graph's QuantizeLinear steps leave them.
///
/// The sums are integers below 2^24 in these graphs, but a float matrix product may still
/// round its partial sums; a double one cannot, so the result is exact in any order.
struct IntegerConvolution: Sendable {
    let geometry: ConvolutionGeometry
    /// Weights minus their zero points, laid out like `geometry`'s unfolded rows.
    let weight: [Double]
    /// The int32 bias, in units of input scale x weight scale.
    let bias: [Double]
    let inputZeroPoint: Float
    /// (input scale x weight scale) / output scale, per output channel.
    let multiplier: [Float]
    let output: Quantization

    /// Unfolded values held at once.
    static let bandBudget = 1 << 18

    func callAsFunction(_ input: Tensor) -> Tensor {
        let g = geometry
        precondition(input.channels == g.inputChannels, "convolution expects \(g.inputChannels) channels, got \(input.channels)")
        let (outH, outW) = g.outputSize(height: input.height, width: input.width)
        var result = Tensor(zeros: g.outputChannels, height: outH, width: outW)
        // Padding adds zeros to (x - zero point): shift first, then pad with zeros.
        let shifted = input.mapped { $0 - inputZeroPoint }
        var sums = [Double](repeating: 0, count: result.values.count)
        if g.groups > 1 {
            depthwise(shifted, outputHeight: outH, outputWidth: outW, into: &sums)
        } else {
            products(shifted, outputWidth: outW, into: &sums)
        }
        let plane = result.planeSize
        result.values.withUnsafeMutableBufferPointer { out in
            for o in 0..<g.outputChannels {
                for i in o * plane..<(o + 1) * plane {
                    out[i] = output.level(Float(sums[i] + bias[o]) * multiplier[o])
                }
            }
        }
        return result
    }

    private func depthwise(_ input: Tensor, outputHeight: Int, outputWidth: Int, into sums: inout [Double]) {
        let g = geometry
        input.values.withUnsafeBufferPointer { src in
            for c in 0..<g.outputChannels {
                for oy in 0..<outputHeight {
                    for ox in 0..<outputWidth {
                        var sum: Double = 0
                        for t in 0..<g.taps {
                            sum += weight[c * g.taps + t] * Double(g.tap(src.baseAddress!, input, channel: c, oy, ox, t))
                        }
                        sums[(c * outputHeight + oy) * outputWidth + ox] = sum
                    }
                }
            }
        }
    }

    /// Weights x unfolded input, one band of output positions at a time.
    private func products(_ input: Tensor, outputWidth: Int, into sums: inout [Double]) {
        let k = geometry.reduction, outputs = geometry.outputChannels
        let plane = sums.count / outputs
        let band = max(8, min(plane, Self.bandBudget / k))
        var columns = [Float](repeating: 0, count: k * band)
        var wide = [Double](repeating: 0, count: k * band)
        var start = 0
        while start < plane {
            let count = min(band, plane - start)
            columns.withUnsafeMutableBufferPointer {
                geometry.unfold(input, positions: start..<start + count, outputWidth: outputWidth, into: $0.baseAddress!)
            }
            for i in 0..<k * count { wide[i] = Double(columns[i]) }
            sums.withUnsafeMutableBufferPointer { out in
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(outputs), Int32(count), Int32(k),
                            1, weight, Int32(k), wide, Int32(count), 0, out.baseAddress! + start, Int32(plane))
            }
            start += count
        }
    }
}
