import CKernels

/// Reflection padding that a convolution gives its input as it reads it, so that the padded copy
/// is never made: Magenta's transformer pads the input of almost every convolution.
public struct Reflection: Sendable, Equatable {
    public var top: Int, left: Int, bottom: Int, right: Int

    public static let none = Reflection(top: 0, left: 0, bottom: 0, right: 0)

    public init(top: Int, left: Int, bottom: Int, right: Int) {
        (self.top, self.left, self.bottom, self.right) = (top, left, bottom, right)
    }

    /// The size of `input` once reflected.
    func padded(_ input: Tensor) -> (height: Int, width: Int) {
        precondition(top < input.height && bottom < input.height && left < input.width && right < input.width,
                     "reflection pad wider than the features")
        return (input.height + top + bottom, input.width + left + right)
    }
}

extension ConvolutionGeometry {
    /// Whether the products read the input by rows (`exact_conv_rows`) rather than unfolded: an
    /// input without zero padding, and at least a vector of outputs per row.
    func readsByRows(outputWidth: Int) -> Bool {
        groups == 1 && pads.allSatisfy { $0 == 0 } && outputWidth >= 16
    }

    /// The products by rows of the input reflected by `reflection`, each output summed in MLAS's
    /// order with blocks of `kStride` terms and then `bias` (one per output channel) added if
    /// given, the output rows shared among the threads.
    func productsByRows(weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, kStride: Int, input: Tensor,
                        reflection: Reflection, outputHeight: Int, into output: UnsafeMutablePointer<Float>,
                        context: ComputeContext) {
        precondition(groups == 1 && pads.allSatisfy { $0 == 0 }, "a convolution read by rows pads only by reflection")
        let pads = CKernels.reflection(top: Int32(reflection.top), left: Int32(reflection.left),
                                       bottom: Int32(reflection.bottom), right: Int32(reflection.right))
        let (height, width) = reflection.padded(input)
        let outputWidth = outputSize(height: height, width: width).width
        input.values.withUnsafeBufferPointer { x in
            context.forEachChunk(of: outputHeight) { rows in
                exact_conv_rows(Int32(outputChannels), Int32(inputChannels), Int32(kernelHeight), Int32(kernelWidth),
                                Int32(stride.y), Int32(stride.x), pads, Int32(kStride), weight, bias, 0, x.baseAddress!,
                                Int32(input.height), Int32(input.width), Int32(rows.lowerBound), Int32(rows.upperBound),
                                output + rows.lowerBound * outputWidth, outputHeight * outputWidth)
            }
        }
    }
}
