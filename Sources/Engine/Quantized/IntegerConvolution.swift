import CKernels

/// onnxruntime's QLinearConv: int8 input and weights, exact integer sums, then one float
/// rescale per output channel, rounded half to even and saturated to int8. Values are int8
/// levels held as whole floats, as the graph's QuantizeLinear steps leave them.
public struct IntegerConvolution: Sendable {
    /// Padded with the input's zero point.
    let geometry: ConvolutionGeometry
    /// Weights minus their zero points, laid out like `geometry`'s unfolded rows.
    let weight: [Int16]
    /// The int32 bias less the input zero point's share, sum(w) x zero point: the sums then run
    /// over the input levels as they are.
    let offset: [Int32]
    /// (input scale x weight scale) / output scale, per output channel.
    let multiplier: [Float]
    let output: Quantization

    /// Unfolded values held at once by each thread.
    static let bandBudget = 1 << 16

    /// `bias` is the int32 bias, in units of input scale x weight scale.
    public init(geometry: ConvolutionGeometry, weight: [Int16], bias: [Int32], inputZeroPoint: Float,
                multiplier: [Float], output: Quantization) {
        var padded = geometry
        padded.padding = .constant(inputZeroPoint)
        self.geometry = padded
        self.weight = weight
        let perOutput = weight.count / geometry.outputChannels
        offset = (0..<geometry.outputChannels).map { o in
            bias[o] - Int32(inputZeroPoint) * weight[o * perOutput..<(o + 1) * perOutput].reduce(0) { $0 + Int32($1) }
        }
        self.multiplier = multiplier
        self.output = output
    }

    public func callAsFunction(_ input: Tensor, context: ComputeContext) -> Tensor {
        let g = geometry
        precondition(input.channels == g.inputChannels, "convolution expects \(g.inputChannels) channels, got \(input.channels)")
        let (outH, outW) = g.outputSize(height: input.height, width: input.width)
        var result = Tensor(zeros: g.outputChannels, height: outH, width: outW)
        var sums = [Int32](repeating: 0, count: result.values.count)
        sums.withUnsafeMutableBufferPointer { sums in
            if g.groups > 1 {
                depthwise(input, outputHeight: outH, outputWidth: outW, into: sums.baseAddress!, context: context)
            } else {
                products(input, outputHeight: outH, outputWidth: outW, into: sums.baseAddress!, context: context)
            }
        }
        let plane = result.planeSize
        result.values.withUnsafeMutableBufferPointer { out in
            sums.withUnsafeBufferPointer { sums in
                let out = out.baseAddress!, sums = sums.baseAddress!
                context.forEach(g.outputChannels, grain: max(1, Tensor.elementwiseGrain / plane)) { o in
                    for i in o * plane..<(o + 1) * plane {
                        out[i] = output.level(Float(sums[i] &+ offset[o]) * multiplier[o])
                    }
                }
            }
        }
        return result
    }

    /// One filter per channel. Nine products of at most 128 x 127 add up exactly in float.
    private func depthwise(_ input: Tensor, outputHeight: Int, outputWidth: Int, into sums: UnsafeMutablePointer<Int32>,
                           context: ComputeContext) {
        let g = geometry, taps = geometry.taps, plane = outputHeight * outputWidth
        let weights = weight.map(Float.init)
        context.forEachChunk(of: g.outputChannels) { channels in
            let columns = UnsafeMutablePointer<Float>.allocate(capacity: taps * plane)
            defer { columns.deallocate() }
            for c in channels {
                g.unfold(RowBand(input), channels: c..<c + 1, positions: 0..<plane, outputWidth: outputWidth, into: columns)
                let out = sums + c * plane
                for p in 0..<plane {
                    var sum: Float = 0
                    for t in 0..<taps { sum += weights[c * taps + t] * columns[t * plane + p] }
                    out[p] = Int32(sum)
                }
            }
        }
    }

    /// Weights x unfolded input on integers (`exact_igemm`), one band of positions at a time.
    private func products(_ input: Tensor, outputHeight: Int, outputWidth: Int, into sums: UnsafeMutablePointer<Int32>,
                          context: ComputeContext) {
        let k = geometry.reduction, outputs = geometry.outputChannels, plane = outputHeight * outputWidth
        let band = min(plane, max(16, Self.bandBudget / k / 16 * 16))
        weight.withUnsafeBufferPointer { w in
            ConvolutionGeometry.forEachBand(plane: plane, band: band, scratch: k * band,
                                            context: context) { positions, columns in
                geometry.unfold(RowBand(input), positions: positions, outputWidth: outputWidth, into: columns)
                let count = positions.count
                var levels = [Int16](repeating: 0, count: k * count)
                for i in 0..<k * count { levels[i] = Int16(columns[i]) }
                exact_igemm(Int32(outputs), Int32(count), Int32(k), w.baseAddress!, levels, Int32(count),
                            sums + positions.lowerBound, Int32(plane))
            }
        }
    }
}
