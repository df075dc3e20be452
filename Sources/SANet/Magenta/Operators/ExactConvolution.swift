import COpenBLAS
import Foundation

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
/// - otherwise fused multiply-adds along the reduction in blocks of 128, each block's sum
///   added onto the output (MLAS's SGEMM K-stride).
/// The bias is added last. OpenBLAS orders its sums differently, hence this kernel.
struct ExactConvolution: Sendable {
    let weight: [Float]
    let bias: [Float]
    let inputChannels: Int
    let outputChannels: Int
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: (y: Int, x: Int)
    /// top, left, bottom, right zero padding.
    let pads: [Int]
    let groups: Int

    /// Floats of unfolded input held at once; small enough to stay in cache.
    static let bandBudget = 1 << 18

    var reduction: Int { inputChannels / groups * kernelHeight * kernelWidth }

    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + pads[0] + pads[2] - kernelHeight) / stride.y + 1,
         (width + pads[1] + pads[3] - kernelWidth) / stride.x + 1)
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.channels == inputChannels, "convolution expects \(inputChannels) channels, got \(input.channels)")
        let (outH, outW) = outputSize(height: input.height, width: input.width)
        var output = Tensor(zeros: outputChannels, height: outH, width: outW)
        if groups > 1 {
            depthwise(input, into: &output)
        } else if outH * outW == 1 {
            dotProducts(input, into: &output)
        } else {
            blockedProducts(input, into: &output)
        }
        let plane = output.planeSize
        output.values.withUnsafeMutableBufferPointer { out in
            for o in 0..<outputChannels {
                let b = bias[o]
                for i in o * plane..<(o + 1) * plane { out[i] += b }
            }
        }
        return output
    }

    /// The value of the zero-padded input at (c, y, x).
    @inline(__always)
    private func sample(_ src: UnsafePointer<Float>, _ input: Tensor, _ c: Int, _ y: Int, _ x: Int) -> Float {
        guard y >= 0, y < input.height, x >= 0, x < input.width else { return 0 }
        return src[(c * input.height + y) * input.width + x]
    }

    /// One filter per group (MLAS's M=1 kernel): taps summed 4 at a time with separate
    /// multiplies and adds, each partial sum then added onto the output.
    private func depthwise(_ input: Tensor, into output: inout Tensor) {
        precondition(groups == inputChannels && groups == outputChannels, "only depthwise group convolutions are supported")
        let taps = kernelHeight * kernelWidth
        let (outH, outW) = (output.height, output.width)
        input.values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { dst in
                Self.parallel(outputChannels) { c in
                    var values = [Float](repeating: 0, count: taps)
                    for oy in 0..<outH {
                        for ox in 0..<outW {
                            for t in 0..<taps {
                                values[t] = sample(src.baseAddress!, input, c, oy * stride.y - pads[0] + t / kernelWidth,
                                                   ox * stride.x - pads[1] + t % kernelWidth)
                            }
                            let w = c * taps
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
                            dst[(c * outH + oy) * outW + ox] = sum
                        }
                    }
                }
            }
        }
    }

    /// A single output position (MLAS's M=1 transposed-B kernel): 8 lanes along the reduction.
    private func dotProducts(_ input: Tensor, into output: inout Tensor) {
        precondition(kernelHeight == 1 && kernelWidth == 1 && input.planeSize == 1, "a 1x1 output needs a 1x1 input and kernel")
        let k = reduction
        let x = input.values
        for o in 0..<outputChannels {
            var lanes = [Float](repeating: 0, count: 8)
            for i in 0..<k { lanes[i % 8] = lanes[i % 8] + weight[o * k + i] * x[i] }
            // The lane reduction of the 4-, 2- and 1-row variants of the kernel.
            let remaining = outputChannels - o / 4 * 4
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

    /// The general case: im2col in bands of output positions, then per output a fused
    /// multiply-add chain in blocks of 128 along the reduction.
    private func blockedProducts(_ input: Tensor, into output: inout Tensor) {
        let k = reduction
        let plane = output.planeSize
        let band = max(8, min(plane, Self.bandBudget / k))
        var columns = [Float](repeating: 0, count: k * band)
        var start = 0
        while start < plane {
            let count = min(band, plane - start)
            unfold(input, positions: start..<start + count, outputWidth: output.width, into: &columns)
            columns.withUnsafeBufferPointer { cols in
                weight.withUnsafeBufferPointer { w in
                    output.values.withUnsafeMutableBufferPointer { out in
                        Self.parallel(outputChannels) { o in
                            var partial = [Float](repeating: 0, count: count)
                            let target = out.baseAddress! + o * plane + start
                            for k0 in Swift.stride(from: 0, to: k, by: 128) {
                                for i in 0..<count { partial[i] = 0 }
                                for kk in k0..<min(k, k0 + 128) {
                                    let wd = Double(w[o * k + kk])
                                    let row = cols.baseAddress! + kk * count
                                    // fma(w, x, acc): the product is exact in double, so one rounding to float.
                                    for i in 0..<count { partial[i] = Float(Double(partial[i]) + wd * Double(row[i])) }
                                }
                                if k0 == 0 {
                                    for i in 0..<count { target[i] = partial[i] }
                                } else {
                                    for i in 0..<count { target[i] = target[i] + partial[i] }
                                }
                            }
                        }
                    }
                }
            }
            start += count
        }
    }

    /// Rows (c, ky, kx) x output positions of the zero-padded, strided input.
    private func unfold(_ input: Tensor, positions: Range<Int>, outputWidth: Int, into columns: inout [Float]) {
        let count = positions.count
        input.values.withUnsafeBufferPointer { src in
            columns.withUnsafeMutableBufferPointer { dst in
                for c in 0..<inputChannels {
                    for ky in 0..<kernelHeight {
                        for kx in 0..<kernelWidth {
                            let row = dst.baseAddress! + ((c * kernelHeight + ky) * kernelWidth + kx) * count
                            for (i, p) in positions.enumerated() {
                                let y = p / outputWidth * stride.y - pads[0] + ky
                                let x = p % outputWidth * stride.x - pads[1] + kx
                                row[i] = sample(src.baseAddress!, input, c, y, x)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` for 0..<count on as many threads as OpenBLAS may use (`--threads`).
    private static func parallel(_ count: Int, _ body: (Int) -> Void) {
        let threads = max(1, min(count, Int(openblas_get_num_threads())))
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var i = t
            while i < count { body(i); i += threads }
        }
    }
}
