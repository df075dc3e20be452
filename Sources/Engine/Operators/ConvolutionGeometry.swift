/// The shape of a 2-D convolution (any kernel, stride, padding and depthwise groups) and its
/// unfolding into the reduction x positions matrix that a matrix product consumes (im2col):
/// the one unfolding behind every convolution of the engine, float and integer alike.
public struct ConvolutionGeometry: Sendable {
    /// What lies outside the input: a constant (0 for floats, the zero point for int8 levels),
    /// or the input reflected about its borders (PyTorch's ReflectionPad, which SANet uses).
    public enum Padding: Sendable, Equatable {
        case constant(Float)
        case reflect
    }

    /// The order of the unfolded rows, which is the order of each filter's weights: ONNX's
    /// channel-major (c, ky, kx), or tap-major (ky, kx, c), where each tap's input channels lie
    /// side by side as the Winograd filter transform reads them.
    public enum RowOrder: Sendable {
        case channelMajor, tapMajor
    }

    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let stride: (y: Int, x: Int)
    /// top, left, bottom, right padding.
    public let pads: [Int]
    public let groups: Int
    public var padding: Padding
    public let rowOrder: RowOrder

    public init(inputChannels: Int, outputChannels: Int, kernelHeight: Int, kernelWidth: Int,
                stride: (y: Int, x: Int) = (1, 1), pads: [Int], groups: Int = 1,
                padding: Padding = .constant(0), rowOrder: RowOrder = .channelMajor) {
        precondition(pads.count == 4, "pads are top, left, bottom, right")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.pads = pads
        self.groups = groups
        self.padding = padding
        self.rowOrder = rowOrder
    }

    public var reduction: Int { inputChannels / groups * kernelHeight * kernelWidth }
    public var taps: Int { kernelHeight * kernelWidth }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
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

    /// Rows (one per input channel and tap, in `rowOrder`) x output `positions` of the padded,
    /// strided input, for the input `channels` (all of them for an ordinary convolution, one for
    /// a depthwise one). Positions count over the whole output map, and `input` holds the input
    /// rows they need (or their reflections about the map's borders).
    func unfold(_ input: RowBand, channels: Range<Int>? = nil, positions: Range<Int>, outputWidth: Int,
                into columns: UnsafeMutablePointer<Float>) {
        let count = positions.count, (height, width) = (input.tensor.height, input.tensor.width)
        let channels = channels ?? 0..<inputChannels
        let fill: Float
        if case let .constant(value) = padding { fill = value } else { fill = 0 }
        input.tensor.values.withUnsafeBufferPointer { src in
            for c in channels {
                let plane = src.baseAddress! + c * height * width
                for t in 0..<taps {
                    let (ky, kx) = (t / kernelWidth, t % kernelWidth)
                    let index = rowOrder == .channelMajor
                        ? (c - channels.lowerBound) * taps + t : t * channels.count + (c - channels.lowerBound)
                    var row = columns + index * count
                    // Output rows that the positions cover, each in one run of positions.
                    var p = positions.lowerBound
                    while p < positions.upperBound {
                        let (oy, ox0) = (p / outputWidth, p % outputWidth)
                        let run = min(outputWidth - ox0, positions.upperBound - p)
                        let y = oy * stride.y - pads[0] + ky
                        if padding != .reflect && (y < 0 || y >= input.fullHeight) {
                            row.update(repeating: fill, count: run)
                        } else {
                            let line = plane + input.row(reflecting: y) * width
                            unfoldRun(line, width: width, first: ox0 * stride.x - pads[1] + kx, run: run, fill: fill, into: row)
                        }
                        row += run
                        p += run
                    }
                }
            }
        }
    }

    /// `run` values of one input row, from column `first` on, `stride.x` apart; columns outside
    /// the row are padding.
    @inline(__always)
    private func unfoldRun(_ line: UnsafePointer<Float>, width: Int, first: Int, run: Int, fill: Float,
                           into row: UnsafeMutablePointer<Float>) {
        let step = stride.x
        // x = first + i * step lies inside the row for i in low ..< high.
        let low = min(run, first >= 0 ? 0 : (-first + step - 1) / step)
        let high = max(low, min(run, first >= width ? 0 : (width - 1 - first) / step + 1))
        if padding == .reflect {
            for i in 0..<low { row[i] = line[reflect(first + i * step, size: width)] }
            for i in high..<run { row[i] = line[reflect(first + i * step, size: width)] }
        } else {
            row.update(repeating: fill, count: low)
            (row + high).update(repeating: fill, count: run - high)
        }
        if step == 1 {
            (row + low).update(from: line + first + low, count: high - low)
        } else {
            for i in low..<high { row[i] = line[first + i * step] }
        }
    }

    /// Output positions in bands of at most `band`, the bands shared among the context's
    /// threads, each thread with its own scratch of `scratch` floats.
    static func forEachBand(plane: Int, band: Int, scratch: Int, context: ComputeContext,
                            _ body: (_ positions: Range<Int>, _ scratch: UnsafeMutablePointer<Float>) -> Void) {
        let bands = (plane + band - 1) / band
        context.forEachChunk(of: bands) { range in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
            defer { buffer.deallocate() }
            for index in range {
                body(index * band..<min(plane, (index + 1) * band), buffer)
            }
        }
    }
}
