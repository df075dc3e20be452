import CKernels

/// A 2-D convolution with stride 1, as the encoder, the attention modules and the decoder use it:
/// 1x1, or 3x3 behind a 1-pixel reflection pad (SANet and VGG never zero-pad).
public struct Convolution: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    /// OHWI, which row-major is `outputChannels x (k * k * inputChannels)`: the GEMM's left operand
    /// as stored, with each tap's input channels side by side, as the Winograd filter transform
    /// reads them.
    let weight: [Float]
    let bias: [Float]
    /// OIHW, the channel-major terms (c, ky, kx) that CKernels' `exact_conv_rows` reads: kept for
    /// a 3x3 convolution that `takesRows`.
    let channelMajorWeight: [Float]

    /// The 3x3 kernel's unfolding (im2col): tap-major rows, as the weights are laid out, with
    /// the 1-pixel reflection pad folded into the indices.
    let geometry: ConvolutionGeometry

    /// Floats of unfolded input (im2col) held at once: the unfolding is done in bands of rows so
    /// that memory stays bounded at any image size.
    static let unfoldBudget = 1 << 22

    /// `weight` in PyTorch's OIHW layout.
    public init(weight: [Float], bias: [Float], inputChannels: Int, outputChannels: Int, kernelSize: Int) {
        precondition(kernelSize == 1 || kernelSize == 3, "only 1x1 and 3x3 convolutions are used")
        let taps = kernelSize * kernelSize
        precondition(weight.count == outputChannels * inputChannels * taps)
        precondition(bias.count == outputChannels)
        self.weight = [Float](unsafeUninitializedCapacity: weight.count) { ohwi, count in
            for co in 0..<outputChannels {
                for ci in 0..<inputChannels {
                    for tap in 0..<taps {
                        ohwi[(co * taps + tap) * inputChannels + ci] = weight[(co * inputChannels + ci) * taps + tap]
                    }
                }
            }
            count = weight.count
        }
        self.bias = bias
        channelMajorWeight = kernelSize == 3 && inputChannels <= Self.rowsMaximumInputChannels ? weight : []
        geometry = ConvolutionGeometry(inputChannels: inputChannels, outputChannels: outputChannels,
                                       kernelHeight: kernelSize, kernelWidth: kernelSize,
                                       pads: [Int](repeating: kernelSize / 2, count: 4), padding: .reflect,
                                       rowOrder: .tapMajor)
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
    }

    public func callAsFunction(_ input: Tensor, relu: Bool, context: ComputeContext) -> Tensor {
        self(RowBand(input), rows: 0..<input.height, relu: relu, context: context)
    }

    /// Output rows `rows` of the full feature map, from a band of input rows that holds them and,
    /// for a 3x3 kernel, their neighbours above and below (or their reflections at the borders).
    public func callAsFunction(_ input: RowBand, rows: Range<Int>, relu: Bool, context: ComputeContext) -> Tensor {
        precondition(input.tensor.channels == inputChannels,
                     "convolution expects \(inputChannels) channels, got \(input.tensor.channels)")
        if kernelSize == 3 {
            precondition(input.fullHeight >= 2 && input.tensor.width >= 2,
                         "reflection padding needs at least 2x2 features")
            if takesRows(width: input.tensor.width) {
                return byRows(input, rows: rows, relu: relu, context: context)
            }
            if takesWinograd(rows: rows.count, width: input.tensor.width) {
                return winograd(input, rows: rows, relu: relu, context: context)
            }
        }
        return direct(input, rows: rows, relu: relu, context: context)
    }

    /// Whether `rows` output rows of a map `width` wide go by Winograd: a 3x3 kernel over enough
    /// positions. `Sequential` leaves an upsampling before such a convolution, and a max-pool
    /// after it, to its transforms.
    func takesWinograd(rows: Int, width: Int) -> Bool {
        kernelSize == 3 && !takesRows(width: width) && rows * width >= Self.winogradMinimumPositions
    }

    /// Input channels up to which a 3x3 convolution reads its input by rows instead: Winograd's
    /// products would have as few terms as there are input channels, and its transforms would
    /// cost more than they save. VGG's first convolution, on an image's three channels, in a
    /// 512 px pass: 6.4 ms by Winograd, 4.6 ms by rows.
    static let rowsMaximumInputChannels = 4

    /// Whether a 3x3 convolution goes by rows: few input channels, and rows at least a vector wide.
    func takesRows(width: Int) -> Bool {
        !channelMajorWeight.isEmpty && width >= 16
    }

    /// Output rows `rows` summed straight from the input band's rows (CKernels' `exact_conv_rows`),
    /// the bias and ReLU applied as they are stored. The kernel reflects the band only where it
    /// meets the map's top or bottom; elsewhere the band holds the neighbouring rows.
    func byRows(_ input: RowBand, rows: Range<Int>, relu: Bool, context: ComputeContext) -> Tensor {
        let band = input.tensor, width = band.width
        let above: Int32 = input.top == 0 ? 1 : 0, below: Int32 = input.rows.upperBound == input.fullHeight ? 1 : 0
        // Output row y is row y - top - 1 + above of the band padded by the kernel.
        let first = rows.lowerBound - input.top - 1 + Int(above)
        precondition(first >= 0 && first + rows.count + 2 <= band.height + Int(above + below),
                     "the band lacks rows that output rows \(rows) read")
        var output = Tensor(unfilled: outputChannels, height: rows.count, width: width)
        channelMajorWeight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                band.values.withUnsafeBufferPointer { x in
                    output.values.withUnsafeMutableBufferPointer { y in
                        let (w, b, x, y) = (w.baseAddress!, b.baseAddress!, x.baseAddress!, y.baseAddress!)
                        let k = Int32(inputChannels * 9)
                        context.forEachChunk(of: rows.count) { part in
                            exact_conv_rows(Int32(outputChannels), Int32(inputChannels), 3, 3, 1, 1,
                                            reflection(top: above, left: 1, bottom: below, right: 1), k, w, b,
                                            relu ? 1 : 0, x, Int32(band.height), Int32(width),
                                            Int32(first + part.lowerBound), Int32(first + part.upperBound),
                                            y + part.lowerBound * width, rows.count * width)
                        }
                    }
                }
            }
        }
        return output
    }

    /// The convolution as one GEMM over the input (1x1) or its banded im2col (3x3): exact
    /// products, cheaper than Winograd on small feature maps.
    func direct(_ input: RowBand, rows: Range<Int>, relu: Bool, context: ComputeContext) -> Tensor {
        let width = input.tensor.width
        var output = Tensor(unfilled: outputChannels, height: rows.count, width: width)
        if kernelSize == 1 {
            input.tensor.values.withUnsafeBufferPointer { values in
                multiply(values.baseAddress! + (rows.lowerBound - input.top) * width, ldb: input.tensor.planeSize,
                         outputRows: 0..<rows.count, into: &output, context: context)
            }
        } else {
            let rowFloats = inputChannels * 9 * width
            let bandRows = max(1, min(rows.count, Self.unfoldBudget / rowFloats))
            let columns = UnsafeMutablePointer<Float>.allocate(capacity: rowFloats * bandRows)
            defer { columns.deallocate() }
            var first = 0
            while first < rows.count {
                let part = first..<min(rows.count, first + bandRows)
                let top = rows.lowerBound + part.lowerBound
                geometry.unfold(input, positions: (top * width)..<((top + part.count) * width), outputWidth: width,
                                into: columns)
                multiply(columns, ldb: part.count * width, outputRows: part, into: &output, context: context)
                first = part.upperBound
            }
        }
        addBias(to: &output, relu: relu, context: context)
        return output
    }

    /// Output rows `outputRows` = weight x columns (ldb floats apart), written in place into the
    /// CHW output (ldc = H * W).
    private func multiply(_ columns: UnsafePointer<Float>, ldb: Int, outputRows: Range<Int>, into output: inout Tensor,
                          context: ComputeContext) {
        let n = outputRows.count * output.width
        let k = inputChannels * kernelSize * kernelSize
        let plane = output.planeSize
        let offset = outputRows.lowerBound * output.width
        weight.withUnsafeBufferPointer { a in
            output.values.withUnsafeMutableBufferPointer { c in
                MatrixProduct.multiplyInParallel(m: outputChannels, n: n, k: k, a.baseAddress!,
                                                 columns, ldb: ldb, into: c.baseAddress! + offset, ldc: plane,
                                                 context: context)
            }
        }
    }

    private func addBias(to output: inout Tensor, relu: Bool, context: ComputeContext) {
        let plane = output.planeSize
        output.values.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            context.forEach(outputChannels) { co in
                let b = bias[co]
                let start = co * plane
                if relu {
                    for i in start..<start + plane { out[i] = max(0, out[i] + b) }
                } else {
                    for i in start..<start + plane { out[i] += b }
                }
            }
        }
    }
}
