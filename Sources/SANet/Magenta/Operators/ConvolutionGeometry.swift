/// The shape of an ONNX 2-D convolution (any kernel, stride, zero padding and depthwise
/// groups) and its unfolding into the reduction x positions matrix that a matrix product
/// consumes; shared by the float and the integer convolutions.
struct ConvolutionGeometry: Sendable {
    let inputChannels: Int
    let outputChannels: Int
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: (y: Int, x: Int)
    /// top, left, bottom, right zero padding.
    let pads: [Int]
    let groups: Int

    var reduction: Int { inputChannels / groups * kernelHeight * kernelWidth }
    var taps: Int { kernelHeight * kernelWidth }

    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + pads[0] + pads[2] - kernelHeight) / stride.y + 1,
         (width + pads[1] + pads[3] - kernelWidth) / stride.x + 1)
    }

    /// The value of the zero-padded input at (c, y, x).
    @inline(__always)
    func sample(_ src: UnsafePointer<Float>, _ input: Tensor, _ c: Int, _ y: Int, _ x: Int) -> Float {
        guard y >= 0, y < input.height, x >= 0, x < input.width else { return 0 }
        return src[(c * input.height + y) * input.width + x]
    }

    /// The input under tap `t` of output position (oy, ox).
    @inline(__always)
    func tap(_ src: UnsafePointer<Float>, _ input: Tensor, channel c: Int, _ oy: Int, _ ox: Int, _ t: Int) -> Float {
        sample(src, input, c, oy * stride.y - pads[0] + t / kernelWidth, ox * stride.x - pads[1] + t % kernelWidth)
    }

    /// Rows (c, ky, kx) x output positions of the zero-padded, strided input (groups == 1).
    func unfold(_ input: Tensor, positions: Range<Int>, outputWidth: Int, into columns: UnsafeMutablePointer<Float>) {
        let count = positions.count
        input.values.withUnsafeBufferPointer { src in
            for c in 0..<inputChannels {
                for t in 0..<taps {
                    let row = columns + (c * taps + t) * count
                    for (i, p) in positions.enumerated() {
                        row[i] = tap(src.baseAddress!, input, channel: c, p / outputWidth, p % outputWidth, t)
                    }
                }
            }
        }
    }
}
