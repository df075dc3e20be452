/// A run of layers, as `torch.nn.Sequential` runs them (VGG's encoder, the decoder). A pass whose
/// layers fit the context's `layerBudget` runs whole; a larger one is streamed in bands of output
/// rows, each layer computing only the rows (and the halo of neighbouring rows) that the next
/// needs, so that at 2048 px no full-resolution activation is ever held whole.
public struct Sequential: Sendable {
    public enum Layer: Sendable {
        /// A convolution with its ReLU fused; a 3x3 one behind a 1-pixel reflection pad.
        case convolution(Convolution, relu: Bool)
        /// 2x2 max-pool, stride 2, ceil mode.
        case maxPool
        /// Nearest-neighbour 2x upsampling.
        case upsample

        var isMaxPool: Bool {
            if case .maxPool = self { return true }
            return false
        }

        var isUpsample: Bool {
            if case .upsample = self { return true }
            return false
        }
    }

    public let layers: [Layer]

    public init(layers: [Layer]) {
        self.layers = layers
    }

    /// Runs the layers; the context's cancellation is looked at before each layer of each band.
    public func callAsFunction(_ input: Tensor, context: ComputeContext) throws -> Tensor {
        let shapes = outputShapes(of: input)
        let last = shapes[shapes.count - 1]
        let floatsPerRow = shapes.map { Double($0.channels * $0.width * $0.height) / Double(last.height) }.max() ?? 1
        let bandRows = max(1, min(last.height, Int(Double(context.layerBudget) / floatsPerRow)))
        if bandRows == last.height {
            return try pass(input, rows: 0..<last.height, shapes: shapes, context: context)
        }
        var output = Tensor(unfilled: last.channels, height: last.height, width: last.width)
        for top in stride(from: 0, to: last.height, by: bandRows) {
            let rows = top..<min(last.height, top + bandRows)
            output.replaceRows(startingAt: top, with: try pass(input, rows: rows, shapes: shapes, context: context))
        }
        return output
    }

    /// Output rows `rows` of the last layer. The rows each layer must produce are worked out from
    /// the last layer back: a 3x3 convolution needs one more row on each side (reflected at the
    /// borders), a max-pool twice the rows, an upsampling half.
    private func pass(_ input: Tensor, rows: Range<Int>, shapes: [(channels: Int, height: Int, width: Int)],
                      context: ComputeContext) throws -> Tensor {
        var needed = [Range<Int>](repeating: rows, count: layers.count)
        var wanted = rows
        for index in layers.indices.reversed() {
            needed[index] = wanted
            let height = index == 0 ? input.height : shapes[index - 1].height
            switch layers[index] {
            case let .convolution(conv, _):
                let halo = conv.kernelSize / 2
                wanted = max(0, wanted.lowerBound - halo)..<min(height, wanted.upperBound + halo)
            case .maxPool: wanted = (2 * wanted.lowerBound)..<min(height, 2 * wanted.upperBound)
            case .upsample: wanted = (wanted.lowerBound / 2)..<((wanted.upperBound + 1) / 2)
            }
        }
        var band = RowBand(input)
        var index = 0
        while index < layers.count {
            try context.checkCancellation()
            let output: Tensor
            var last = index
            switch layers[index] {
            case let .convolution(conv, relu):
                let fused = fusedNeighbours(ofLayer: index, needed: needed, shapes: shapes)
                if fused.upsampled || fused.pooled {
                    output = conv.winograd(band, upsampled: fused.upsampled, pooled: fused.pooled, rows: needed[index],
                                           relu: relu, context: context)
                    if fused.pooled { last = index + 1 }
                } else {
                    output = conv(band, rows: needed[index], relu: relu, context: context)
                }
            case .maxPool: output = band.maxPooled(rows: needed[index], context: context)
            case .upsample:
                if index + 1 < layers.count, fusedNeighbours(ofLayer: index + 1, needed: needed, shapes: shapes).upsampled {
                    // The next layer reads the upsampling from this band.
                    index += 1
                    continue
                }
                output = band.upsampledNearest(factorY: 2, factorX: 2, rows: needed[index], context: context)
            }
            band = RowBand(output, top: needed[last].lowerBound, fullHeight: shapes[last].height)
            index = last + 1
        }
        return band.tensor
    }

    /// For a convolution on the Winograd path: whether it reads the upsampling before it and pools
    /// into the max-pool after it as its transforms go, so that neither the upsampled input nor the
    /// unpooled output is held.
    private func fusedNeighbours(ofLayer index: Int, needed: [Range<Int>],
                                 shapes: [(channels: Int, height: Int, width: Int)]) -> (upsampled: Bool, pooled: Bool) {
        guard case let .convolution(conv, _) = layers[index],
              conv.takesWinograd(rows: needed[index].count, width: shapes[index].width) else { return (false, false) }
        return (index > 0 && layers[index - 1].isUpsample, index + 1 < layers.count && layers[index + 1].isMaxPool)
    }

    /// The shape of every layer's output.
    private func outputShapes(of input: Tensor) -> [(channels: Int, height: Int, width: Int)] {
        var shape = (channels: input.channels, height: input.height, width: input.width)
        return layers.map { layer in
            switch layer {
            case let .convolution(conv, _): shape.channels = conv.outputChannels
            case .maxPool: shape = (shape.channels, (shape.height + 1) / 2, (shape.width + 1) / 2)
            case .upsample: shape = (shape.channels, 2 * shape.height, 2 * shape.width)
            }
            return shape
        }
    }
}
