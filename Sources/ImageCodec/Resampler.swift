extension Image {
    /// Resamples with Pillow's antialiased bicubic filter, so results match the
    /// Python reference that prepared the model's inputs.
    public func resized(width: Int, height: Int) -> Image {
        precondition(width > 0 && height > 0, "target dimensions must be positive")
        if width == self.width && height == self.height {
            return self
        }
        let horizontal = Resampler(inputSize: self.width, outputSize: width)
        let vertical = Resampler(inputSize: self.height, outputSize: height)
        func resample(_ planes: [Float], count: Int) -> [Float] {
            horizontal.resampleRows(of: planes, count: count * self.height).withUnsafeBufferPointer {
                vertical.resampleColumns(of: $0, planes: count, width: width)
            }
        }
        return Image(width: width, height: height, rgb: resample(rgb, count: 3), alpha: alpha.map { resample($0, count: 1) })
    }

    /// Scales so the longer side becomes `longerSide`, keeping the aspect ratio.
    public func resized(longerSide: Int) -> Image {
        let size = Image.size(width: width, height: height, longerSide: longerSide)
        return resized(width: size.width, height: size.height)
    }

    /// The size `resized(longerSide:)` gives an image of `width` x `height`.
    public static func size(width: Int, height: Int, longerSide: Int) -> (width: Int, height: Int) {
        precondition(longerSide > 0, "target side must be positive")
        let longer = max(width, height)
        if longerSide == longer {
            return (width, height)
        }
        func scaled(_ side: Int) -> Int {
            max(1, Int((Double(side) * Double(longerSide) / Double(longer)).rounded()))
        }
        return width >= height ? (longerSide, scaled(height)) : (scaled(width), longerSide)
    }
}

/// Pillow's separable resampling along one axis (Resample.c, BICUBIC, a = -0.5).
/// When shrinking, the filter is stretched by the scale factor so every input pixel
/// contributes, which is what keeps downscaled images free of aliasing.
struct Resampler {
    let inputSize: Int
    let outputSize: Int
    /// First input index for each output index.
    private let starts: [Int]
    /// Number of weights used for each output index.
    private let counts: [Int]
    /// `stride` weights per output index, normalised to sum to one.
    private let weights: [Float]
    private let stride: Int

    static let support = 2.0

    static func bicubic(_ x: Double) -> Double {
        let a = -0.5
        let x = abs(x)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    init(inputSize: Int, outputSize: Int) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = Self.support * filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1
        var starts = [Int](repeating: 0, count: outputSize)
        var counts = [Int](repeating: 0, count: outputSize)
        var weights = [Float](repeating: 0, count: outputSize * stride)
        for output in 0..<outputSize {
            let center = (Double(output) + 0.5) * scale
            let start = max(Int(center - support + 0.5), 0)
            let end = min(Int(center + support + 0.5), inputSize)
            var kernel = (start..<end).map { Self.bicubic((Double($0) - center + 0.5) / filterScale) }
            let total = kernel.reduce(0, +)
            if total != 0 {
                kernel = kernel.map { $0 / total }
            }
            starts[output] = start
            counts[output] = kernel.count
            for (index, weight) in kernel.enumerated() {
                weights[output * stride + index] = Float(weight)
            }
        }
        self.starts = starts
        self.counts = counts
        self.weights = weights
        self.stride = stride
    }

    /// Resamples one row of `inputSize` values into `outputSize` values.
    func resampleRow(_ row: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        weights.withUnsafeBufferPointer { weights in
            for x in 0..<outputSize {
                let kernel = weights.baseAddress! + x * stride
                let source = row + starts[x]
                var sum: Float = 0
                for index in 0..<counts[x] {
                    sum += kernel[index] * source[index]
                }
                output[x] = clamp(sum)
            }
        }
    }

    /// Resamples `count` rows of `inputSize` values, stored one after another.
    func resampleRows(of rows: [Float], count: Int) -> [Float] {
        precondition(rows.count == count * inputSize)
        return [Float](unsafeUninitializedCapacity: outputSize * count) { output, initialized in
            rows.withUnsafeBufferPointer { rows in
                for y in 0..<count {
                    resampleRow(rows.baseAddress! + y * inputSize, into: output.baseAddress! + y * outputSize)
                }
            }
            initialized = outputSize * count
        }
    }

    /// Resamples the columns of `planes` planes of `width` x `inputSize` values, stored one
    /// after another, to `outputSize` rows each.
    func resampleColumns(of planes: UnsafeBufferPointer<Float>, planes count: Int, width: Int) -> [Float] {
        precondition(planes.count == count * width * inputSize)
        var output = [Float](repeating: 0, count: count * width * outputSize)
        output.withUnsafeMutableBufferPointer { output in
            for plane in 0..<count {
                let source = planes.baseAddress! + plane * width * inputSize
                let target = output.baseAddress! + plane * width * outputSize
                for y in 0..<outputSize {
                    let destination = target + y * width
                    for index in 0..<counts[y] {
                        let weight = weights[y * stride + index]
                        let row = source + (starts[y] + index) * width
                        for x in 0..<width {
                            destination[x] += weight * row[x]
                        }
                    }
                    for x in 0..<width {
                        destination[x] = clamp(destination[x])
                    }
                }
            }
        }
        return output
    }
}

/// The cubic overshoots near edges; clipping after each pass keeps values in [0, 1]
/// and mirrors Pillow, which clips its 8-bit intermediate the same way.
@inline(__always)
private func clamp(_ value: Float) -> Float {
    min(max(value, 0), 1)
}
