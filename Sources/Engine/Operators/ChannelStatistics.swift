/// Per-channel mean and standard deviation over all positions, with the unbiased variance
/// and the epsilon of SANet's and AdaIN's `calc_mean_std`: std = sqrt(var + 1e-5).
public struct ChannelStatistics: Sendable {
    public static let epsilon = 1e-5

    public let mean: [Float]
    public let std: [Float]

    public init(of tensor: Tensor, context: ComputeContext) {
        precondition(tensor.planeSize >= 2, "an unbiased variance needs at least two positions")
        let n = tensor.planeSize
        var mean = [Float](repeating: 0, count: tensor.channels)
        var std = [Float](repeating: 0, count: tensor.channels)
        tensor.values.withUnsafeBufferPointer { values in
            mean.withUnsafeMutableBufferPointer { mean in
                std.withUnsafeMutableBufferPointer { std in
                    let values = values.baseAddress!, mean = mean.baseAddress!, std = std.baseAddress!
                    context.forEach(tensor.channels) { c in
                        let plane = UnsafeBufferPointer(start: values + c * n, count: n)
                        var sum = 0.0
                        for v in plane { sum += Double(v) }
                        let m = sum / Double(n)
                        var squares = 0.0
                        for v in plane { let d = Double(v) - m; squares += d * d }
                        mean[c] = Float(m)
                        std[c] = Float((squares / Double(n - 1) + Self.epsilon).squareRoot())
                    }
                }
            }
        }
        self.mean = mean
        self.std = std
    }
}

extension Tensor {
    /// `(x - mean) / std` per channel: the attention's mean-variance normalisation.
    public func normalized(context: ComputeContext) -> Tensor {
        normalized(to: nil, context: context)
    }

    /// Normalises per channel, then rescales to `target`'s statistics when given (AdaIN).
    public func normalized(to target: ChannelStatistics?, context: ComputeContext) -> Tensor {
        normalized(from: ChannelStatistics(of: self, context: context), to: target, context: context)
    }

    /// Normalises per channel with `own`, the statistics of the whole map when `self` is a band
    /// of it, then rescales to `target`'s when given.
    public func normalized(from own: ChannelStatistics, to target: ChannelStatistics? = nil,
                           context: ComputeContext) -> Tensor {
        precondition(own.mean.count == channels, "statistics of \(own.mean.count) channels for \(channels)")
        var output = self
        let n = planeSize
        output.values.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            context.forEach(channels) { c in
                let scale = (target?.std[c] ?? 1) / own.std[c]
                let shift = (target?.mean[c] ?? 0) - own.mean[c] * scale
                for i in (c * n)..<(c * n + n) { out[i] = out[i] * scale + shift }
            }
        }
        return output
    }
}
