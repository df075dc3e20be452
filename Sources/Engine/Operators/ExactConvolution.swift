import CKernels

/// A 2-D convolution (any kernel, stride, zero padding and group count) that adds its
/// products in the order onnxruntime's MLAS kernels do, so results match it bit for bit.
///
/// The Magenta graphs quantise every activation to int8. A float result that lands on the
/// other side of a rounding boundary moves a value by a whole quantum, and such flips
/// multiply from layer to layer: two implementations that differ only in summation order
/// end up tens of levels apart in the image. So the order is part of the model's meaning:
/// - one output per group (depthwise): products of 4, then 2, then 1 taps, each group
///   added onto the running sum (MLAS's M=1 kernel);
/// - a 1x1 output plane: 8 lanes over the reduction, then MLAS's fixed lane reduction
///   (its M=1 transposed-B kernel, which depends on how many outputs remain in a block of 4);
/// - otherwise fused multiply-adds along the reduction in blocks (MLAS's SGEMM K-stride: 128,
///   doubled while the output plane is small next to the reduction), each block's sum added
///   onto the output.
/// The bias is added last. OpenBLAS orders its sums differently, hence this kernel.
public struct ExactConvolution: Sendable {
    let geometry: ConvolutionGeometry
    let weight: [Float]
    let bias: [Float]
    /// Applied to the input as it is read (only to convolutions without zero padding).
    public private(set) var reflection = Reflection.none

    /// `weight` in ONNX's OIHW layout.
    public init(geometry: ConvolutionGeometry, weight: [Float], bias: [Float]) {
        self.geometry = geometry
        self.weight = weight
        self.bias = bias
    }

    /// Whether `reflecting` applies: a convolution without zero padding.
    public var canReflect: Bool { geometry.groups == 1 && geometry.pads.allSatisfy { $0 == 0 } }

    /// The same convolution on its input reflected by `reflection`, which it then never sees.
    public func reflecting(_ reflection: Reflection) -> ExactConvolution {
        precondition(canReflect, "only an unpadded convolution can reflect its input")
        var reflecting = self
        reflecting.reflection = reflection
        return reflecting
    }

    /// Floats of unfolded input held at once; small enough to stay in cache.
    static let bandBudget = 1 << 18

    public func callAsFunction(_ input: Tensor, context: ComputeContext) -> Tensor {
        let g = geometry
        precondition(input.channels == g.inputChannels, "convolution expects \(g.inputChannels) channels, got \(input.channels)")
        let (height, width) = reflection.padded(input)
        let (outH, outW) = g.outputSize(height: height, width: width)
        if reflection != .none || (g.taps > 1 && g.readsByRows(outputWidth: outW)) {
            // Every output written, the bias added as the last block of terms is.
            var output = Tensor(unfilled: g.outputChannels, height: outH, width: outW)
            let kStride = Self.reductionStride(positions: output.planeSize, reduction: g.reduction)
            weight.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    output.values.withUnsafeMutableBufferPointer { out in
                        g.productsByRows(weight: w.baseAddress!, bias: b.baseAddress!, kStride: kStride, input: input,
                                         reflection: reflection, outputHeight: outH, into: out.baseAddress!,
                                         context: context)
                    }
                }
            }
            return output
        }
        var output = Tensor(zeros: g.outputChannels, height: outH, width: outW)
        if g.groups > 1 {
            depthwise(input, into: &output, context: context)
        } else if outH * outW == 1 {
            dotProducts(input, into: &output)
        } else {
            blockedProducts(input, into: &output, context: context)
        }
        let plane = output.planeSize
        output.values.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            context.forEach(g.outputChannels, grain: max(1, Tensor.elementwiseGrain / plane)) { o in
                let b = bias[o]
                for i in o * plane..<(o + 1) * plane { out[i] += b }
            }
        }
        return output
    }

    /// One filter per group (MLAS's M=1 kernel): taps summed 4 at a time with separate
    /// multiplies and adds, each partial sum then added onto the output.
    private func depthwise(_ input: Tensor, into output: inout Tensor, context: ComputeContext) {
        let g = geometry
        let taps = g.taps
        let (outH, outW) = (output.height, output.width)
        input.values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                context.forEachChunk(of: g.outputChannels) { channels in
                    var values = [Float](repeating: 0, count: taps)
                    for c in channels {
                        for oy in 0..<outH {
                            for ox in 0..<outW {
                                for t in 0..<taps { values[t] = g.tap(src.baseAddress!, input, channel: c, oy, ox, t) }
                                dst[(c * outH + oy) * outW + ox] = groupedSum(weights: c * taps, values)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The taps' products in groups of 4, then 2, then 1, each group added onto the sum.
    @inline(__always)
    private func groupedSum(weights w: Int, _ values: [Float]) -> Float {
        let taps = values.count
        var sum: Float = 0
        var t = 0
        for group in [4, 2, 1] {
            while taps - t >= group {
                var partial = weight[w + t] * values[t]
                for j in 1..<max(group, 1) where j < group { partial = partial + weight[w + t + j] * values[t + j] }
                sum = t == 0 ? partial : partial + sum
                t += group
                if group != 4 { break }
            }
        }
        return sum
    }

    /// A single output position (MLAS's M=1 transposed-B kernel): 8 lanes along the reduction.
    private func dotProducts(_ input: Tensor, into output: inout Tensor) {
        let g = geometry
        precondition(g.taps == 1 && input.planeSize == 1, "a 1x1 output needs a 1x1 input and kernel")
        let k = g.reduction
        let x = input.values
        for o in 0..<g.outputChannels {
            var lanes = [Float](repeating: 0, count: 8)
            for i in 0..<k { lanes[i % 8] = lanes[i % 8] + weight[o * k + i] * x[i] }
            // The lane reduction of the 4-, 2- and 1-row variants of the kernel.
            let remaining = g.outputChannels - o / 4 * 4
            let l = lanes
            if remaining >= 4 {
                output.values[o] = (((l[0] + l[1]) + l[2]) + l[3]) + (((l[4] + l[5]) + l[6]) + l[7])
            } else if o % 4 < remaining / 2 * 2 {
                output.values[o] = ((l[0] + l[2]) + (l[4] + l[6])) + ((l[1] + l[3]) + (l[5] + l[7]))
            } else {
                output.values[o] = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
            }
        }
    }

    /// The general case: im2col in bands of output positions, the bands shared among the
    /// threads, each band's product formed in MLAS's order (`exact_sgemm`).
    private func blockedProducts(_ input: Tensor, into output: inout Tensor, context: ComputeContext) {
        let k = geometry.reduction, outputs = geometry.outputChannels
        let plane = output.planeSize, width = output.width
        let kStride = Self.reductionStride(positions: plane, reduction: k)
        let band = min(plane, max(16, Self.bandBudget / k / 16 * 16))
        weight.withUnsafeBufferPointer { w in
            output.values.withUnsafeMutableBufferPointer { out in
                ConvolutionGeometry.forEachBand(plane: plane, band: band, scratch: k * band,
                                                context: context) { positions, columns in
                    geometry.unfold(RowBand(input), positions: positions, outputWidth: width, into: columns)
                    exact_sgemm(Int32(outputs), Int32(positions.count), Int32(k), Int32(kStride), w.baseAddress!,
                                columns, Int32(positions.count), out.baseAddress! + positions.lowerBound, Int32(plane))
                }
            }
        }
    }

    /// MLAS's SGEMM K-stride for an N (positions) x K (reduction) product: 128, traded
    /// against the N-stride so that small planes still fill its packed panels.
    static func reductionStride(positions n: Int, reduction k: Int) -> Int {
        var (strideN, strideK) = (128, 128)
        if n >= k {
            while strideK / 2 >= k { (strideN, strideK) = (strideN * 2, strideK / 2) }
        } else {
            while strideN > 16, strideN / 2 >= n { (strideN, strideK) = (strideN / 2, strideK * 2) }
        }
        return strideK
    }
}
