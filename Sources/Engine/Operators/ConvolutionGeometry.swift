import COpenBLAS
import Foundation

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

    /// Rows (c, ky, kx) x output positions of the padded, strided input, for the input
    /// `channels` (all of them for an ordinary convolution, one for a depthwise one). The pad
    /// holds `padding`: 0 for floats, the zero point for int8 levels.
    func unfold(_ input: Tensor, channels: Range<Int>? = nil, positions: Range<Int>, outputWidth: Int,
                padding: Float = 0, into columns: UnsafeMutablePointer<Float>) {
        let count = positions.count, (height, width) = (input.height, input.width)
        let channels = channels ?? 0..<inputChannels
        input.values.withUnsafeBufferPointer { src in
            for c in channels {
                let plane = src.baseAddress! + c * height * width
                for t in 0..<taps {
                    let (ky, kx) = (t / kernelWidth, t % kernelWidth)
                    var row = columns + ((c - channels.lowerBound) * taps + t) * count
                    // Output rows that the band covers, each in one run of positions.
                    var p = positions.lowerBound
                    while p < positions.upperBound {
                        let (oy, ox0) = (p / outputWidth, p % outputWidth)
                        let run = min(outputWidth - ox0, positions.upperBound - p)
                        let y = oy * stride.y - pads[0] + ky
                        if y < 0 || y >= height {
                            row.update(repeating: padding, count: run)
                        } else {
                            // x = (ox0 + i) * stride - pad + kx lies inside the row for i in valid.
                            let first = (ox0 * stride.x - pads[1] + kx), step = stride.x
                            let low = min(run, first >= 0 ? 0 : (-first + step - 1) / step)
                            let high = max(low, min(run, first >= width ? 0 : (width - 1 - first) / step + 1))
                            row.update(repeating: padding, count: low)
                            let line = plane + y * width + first
                            if step == 1 {
                                (row + low).update(from: line + low, count: high - low)
                            } else {
                                for i in low..<high { row[i] = line[i * step] }
                            }
                            (row + high).update(repeating: padding, count: run - high)
                        }
                        row += run
                        p += run
                    }
                }
            }
        }
    }

    /// Output positions in bands of at most `band`, the bands shared among the threads that
    /// OpenBLAS may use (`--threads`); each thread gets its own scratch of `scratch` floats.
    static func forEachBand(plane: Int, band: Int, scratch: Int,
                            _ body: (_ positions: Range<Int>, _ scratch: UnsafeMutablePointer<Float>) -> Void) {
        let bands = (plane + band - 1) / band
        parallel(bands) { thread, threads in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
            defer { buffer.deallocate() }
            for index in Swift.stride(from: thread, to: bands, by: threads) {
                body(index * band..<min(plane, (index + 1) * band), buffer)
            }
        }
    }

    /// `body(thread, threads)` on as many threads as OpenBLAS may use (`--threads`), at most `work`.
    static func parallel(_ work: Int, _ body: (_ thread: Int, _ threads: Int) -> Void) {
        let threads = max(1, min(work, Int(openblas_get_num_threads())))
        DispatchQueue.concurrentPerform(iterations: threads) { body($0, threads) }
    }
}
