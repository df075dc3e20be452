import CKernels

/// onnxruntime's QLinearConv: int8 input and weights, exact integer sums, then one float
/// rescale per output channel, rounded half to even and saturated to int8. Values are int8
/// levels held as whole floats, as the graph's QuantizeLinear steps leave them.
///
/// The sums are formed by float products: whole numbers below 2^24 add up exactly in floats
/// in any order, so when every partial sum of a filter stays below 2^24 (the sum of its weights'
/// magnitudes times 128, the largest input level) the float kernels give the integer result at
/// their speed. Filters too large for that bound (none in the Magenta graphs) take an integer product.
public struct IntegerConvolution: Sendable {
    /// Padded with the input's zero point.
    let geometry: ConvolutionGeometry
    /// Weights minus their zero points, laid out like `geometry`'s unfolded rows.
    let weight: [Float]
    /// The same, for the integer product; empty when the float products are exact.
    let integerWeight: [Int16]
    /// The int32 bias less the input zero point's share, sum(w) x zero point: the sums then run
    /// over the input levels as they are.
    let offset: [Int32]
    /// (input scale x weight scale) / output scale, per output channel.
    let multiplier: [Float]
    let output: Quantization
    /// Applied to the input as it is read (see `reflecting`).
    public private(set) var reflection = Reflection.none

    /// Unfolded values held at once by each thread.
    static let bandBudget = 1 << 16
    /// Below this, whole numbers are exact in a float.
    static let exactFloatLimit = 1 << 24

    /// `bias` is the int32 bias, in units of input scale x weight scale.
    public init(geometry: ConvolutionGeometry, weight: [Int16], bias: [Int32], inputZeroPoint: Float,
                multiplier: [Float], output: Quantization) {
        var padded = geometry
        padded.padding = .constant(inputZeroPoint)
        self.geometry = padded
        let perOutput = weight.count / geometry.outputChannels
        let largestSum = (0..<geometry.outputChannels).map { o in
            weight[o * perOutput..<(o + 1) * perOutput].reduce(0) { $0 + abs(Int($1)) }
        }.max() ?? 0
        self.weight = weight.map(Float.init)
        integerWeight = largestSum * 128 < Self.exactFloatLimit ? [] : weight
        offset = (0..<geometry.outputChannels).map { o in
            bias[o] - Int32(inputZeroPoint) * weight[o * perOutput..<(o + 1) * perOutput].reduce(0) { $0 + Int32($1) }
        }
        self.multiplier = multiplier
        self.output = output
    }

    /// Whether `reflecting` applies: a convolution without zero padding, on float products.
    public var canReflect: Bool { geometry.groups == 1 && geometry.pads.allSatisfy { $0 == 0 } && integerWeight.isEmpty }

    /// The same convolution on its input reflected by `reflection`, which it then never sees.
    public func reflecting(_ reflection: Reflection) -> IntegerConvolution {
        precondition(canReflect, "only an unpadded convolution on float products can reflect its input")
        var reflecting = self
        reflecting.reflection = reflection
        return reflecting
    }

    public func callAsFunction(_ input: Tensor, context: ComputeContext) -> Tensor {
        let g = geometry
        precondition(input.channels == g.inputChannels, "convolution expects \(g.inputChannels) channels, got \(input.channels)")
        let (height, width) = reflection.padded(input)
        let (outH, outW) = g.outputSize(height: height, width: width)
        var result = Tensor(unfilled: g.outputChannels, height: outH, width: outW)
        if !integerWeight.isEmpty {
            result.values.withUnsafeMutableBufferPointer { levels in
                integerProducts(input, outputHeight: outH, outputWidth: outW, into: levels.baseAddress!, context: context)
            }
            return result
        }
        result.values.withUnsafeMutableBufferPointer { sums in
            let sums = sums.baseAddress!
            if reflection == .none, g.taps == 1, g.stride == (1, 1), g.pads.allSatisfy({ $0 == 0 }) {
                pointwise(input, into: sums, context: context)
            } else if reflection != .none || g.readsByRows(outputWidth: outW) {
                weight.withUnsafeBufferPointer { w in
                    // Every partial sum is exact: one block of terms.
                    g.productsByRows(weight: w.baseAddress!, bias: nil, kStride: g.reduction, input: input,
                                     reflection: reflection, outputHeight: outH, into: sums, context: context)
                }
            } else if g.groups > 1 {
                depthwise(input, outputHeight: outH, outputWidth: outW, into: sums, context: context)
            } else {
                products(input, outputHeight: outH, outputWidth: outW, into: sums, context: context)
            }
        }
        let plane = result.planeSize
        result.values.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            context.forEach(g.outputChannels, grain: max(1, Tensor.elementwiseGrain / plane)) { o in
                requantize_sums(out + o * plane, Int32(plane), offset[o], multiplier[o], output.zeroPoint, out + o * plane)
            }
        }
        return result
    }

    /// One filter per channel: a filter's few products stay far below 2^24.
    private func depthwise(_ input: Tensor, outputHeight: Int, outputWidth: Int, into sums: UnsafeMutablePointer<Float>,
                           context: ComputeContext) {
        let g = geometry
        guard case let .constant(fill) = g.padding else { preconditionFailure("int8 levels are padded with their zero point") }
        weight.withUnsafeBufferPointer { w in
            input.values.withUnsafeBufferPointer { x in
                context.forEachChunk(of: g.outputChannels) { channels in
                    depthwise_levels(Int32(channels.lowerBound), Int32(channels.upperBound), Int32(g.kernelHeight),
                                     Int32(g.kernelWidth), Int32(g.stride.y), Int32(g.stride.x), Int32(g.pads[0]),
                                     Int32(g.pads[1]), fill, w.baseAddress!, x.baseAddress!, Int32(input.height),
                                     Int32(input.width), Int32(outputHeight), Int32(outputWidth), sums)
                }
            }
        }
    }

    /// A 1x1 filter over the input as it lies: the product needs no unfolding.
    private func pointwise(_ input: Tensor, into sums: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let k = geometry.reduction, outputs = geometry.outputChannels, plane = input.planeSize
        weight.withUnsafeBufferPointer { w in
            input.values.withUnsafeBufferPointer { x in
                // Any order of the terms gives the same exact sums.
                MatrixProduct.multiplyInParallel(m: outputs, n: plane, k: k, w.baseAddress!, x.baseAddress!, ldb: plane,
                                                 into: sums, ldc: plane, context: context)
            }
        }
    }

    /// Weights x unfolded input, one band of positions at a time.
    private func products(_ input: Tensor, outputHeight: Int, outputWidth: Int, into sums: UnsafeMutablePointer<Float>,
                          context: ComputeContext) {
        let k = geometry.reduction, outputs = geometry.outputChannels, plane = outputHeight * outputWidth
        let band = min(plane, max(16, Self.bandBudget / k / 16 * 16))
        weight.withUnsafeBufferPointer { w in
            ConvolutionGeometry.forEachBand(plane: plane, band: band, scratch: k * band,
                                            context: context) { positions, columns in
                geometry.unfold(RowBand(input), positions: positions, outputWidth: outputWidth, into: columns)
                exact_sgemm(Int32(outputs), Int32(positions.count), Int32(k), Int32(k), w.baseAddress!, columns,
                            Int32(positions.count), sums + positions.lowerBound, Int32(plane))
            }
        }
    }

    /// The sums on integers (`exact_igemm`), for filters whose float sums could round, and the
    /// output levels from them.
    private func integerProducts(_ input: Tensor, outputHeight: Int, outputWidth: Int,
                                 into levels: UnsafeMutablePointer<Float>, context: ComputeContext) {
        let k = geometry.reduction, outputs = geometry.outputChannels, plane = outputHeight * outputWidth
        let band = min(plane, max(16, Self.bandBudget / k / 16 * 16))
        integerWeight.withUnsafeBufferPointer { w in
            ConvolutionGeometry.forEachBand(plane: plane, band: band, scratch: k * band,
                                            context: context) { positions, columns in
                geometry.unfold(RowBand(input), positions: positions, outputWidth: outputWidth, into: columns)
                let count = positions.count
                let inputs = (0..<k * count).map { Int16(columns[$0]) }
                var sums = [Int32](repeating: 0, count: outputs * count)
                exact_igemm(Int32(outputs), Int32(count), Int32(k), w.baseAddress!, inputs, Int32(count), &sums,
                            Int32(count))
                for o in 0..<outputs {
                    for p in 0..<count {
                        levels[o * plane + positions.lowerBound + p] = output.level(Float(sums[o * count + p] &+ offset[o]) * multiplier[o])
                    }
                }
            }
        }
    }
}
