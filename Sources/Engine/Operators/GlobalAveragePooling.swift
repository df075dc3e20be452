extension Tensor {
    /// The mean of every channel, summed as MLAS's global pooling kernel does (4 lanes, then
    /// (l0 + l2) + (l1 + l3), then the tail, divided by the count): the means feed quantised
    /// instance-norm statistics, where a different rounding would move whole channels.
    public func globalAveragePooled(context: ComputeContext) -> Tensor {
        let n = planeSize
        var output = Tensor(zeros: channels, height: 1, width: 1)
        values.withUnsafeBufferPointer { src in
            output.values.withUnsafeMutableBufferPointer { means in
                let src = src.baseAddress!, means = means.baseAddress!
                context.forEach(channels, grain: max(1, Tensor.elementwiseGrain / n)) { c in
                    let plane = src + c * n
                    var lanes: (Float, Float, Float, Float) = (0, 0, 0, 0)
                    var i = 0
                    while n - i >= 4 {
                        lanes = (lanes.0 + plane[i], lanes.1 + plane[i + 1], lanes.2 + plane[i + 2], lanes.3 + plane[i + 3])
                        i += 4
                    }
                    var sum = (lanes.0 + lanes.2) + (lanes.1 + lanes.3)
                    while i < n { sum += plane[i]; i += 1 }
                    means[c] = sum / Float(n)
                }
            }
        }
        return output
    }
}
