import CKernels

/// 3x3 convolutions by Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray, "Fast
/// Algorithms for Convolutional Neural Networks", CVPR 2016): each 4x4 block of outputs comes
/// from a 6x6 block of inputs with 36 products per channel pair instead of 144. Transformed
/// filters U = G g G^T and input tiles V = B^T d B are multiplied position by position, so the
/// products are 36 GEMMs (Cout x Cin by Cin x tiles); Y = A^T M A turns them back into outputs.
/// The transforms are CKernels' `winograd_*`, sixteen tiles at a time.
extension Convolution {
    /// Output positions below which the direct algorithm is cheaper: the filter transform costs
    /// the same whatever the image size.
    static let winogradMinimumPositions = 256

    /// Floats of transformed tiles and products held at once: tiles go through in bands of tile
    /// rows small enough to stay in cache between the transforms and the products, but of at least
    /// `winogradMinimumTiles` tiles, below which the products lose speed, and never above
    /// `winogradBudget`, so that memory stays bounded at any image size.
    static let winogradCacheBudget = 1 << 20
    static let winogradMinimumTiles = 256
    static let winogradBudget = 1 << 23

    /// Output rows `rows` from the band of input rows around them.
    func winograd(_ input: RowBand, rows: Range<Int>, relu: Bool) -> Tensor {
        let width = input.tensor.width
        let tilesX = (width + 3) / 4, tilesY = (rows.count + 3) / 4
        let floatsPerTileRow = 36 * (inputChannels + outputChannels) * tilesX
        let bandRows = max(1, min(tilesY, Self.winogradBudget / floatsPerTileRow,
                                  max(Self.winogradCacheBudget / floatsPerTileRow,
                                      (Self.winogradMinimumTiles + tilesX - 1) / tilesX)))
        let filters = winogradFilters()
        var tiles = [Float](unsafeUninitializedCapacity: 36 * inputChannels * bandRows * tilesX) { $1 = $0.count }
        var products = [Float](unsafeUninitializedCapacity: 36 * outputChannels * bandRows * tilesX) { $1 = $0.count }
        var output = Tensor(unfilled: outputChannels, height: rows.count, width: width)
        var top = 0
        while top < tilesY {
            let band = top..<min(tilesY, top + bandRows)
            let count = band.count * tilesX
            transformTiles(input, outputRows: rows, tileRows: band, into: &tiles)
            filters.withUnsafeBufferPointer { u in
                tiles.withUnsafeBufferPointer { v in
                    products.withUnsafeMutableBufferPointer { m in
                        let u = u.baseAddress!, v = v.baseAddress!, m = m.baseAddress!
                        Parallel.forEach(36) { p in
                            MatrixProduct.multiply(m: outputChannels, n: count, k: inputChannels,
                                                   u + p * outputChannels * inputChannels, lda: inputChannels,
                                                   v + p * inputChannels * count, ldb: count,
                                                   into: m + p * outputChannels * count, ldc: count)
                        }
                    }
                }
            }
            inverseTransform(products, tileRows: band, relu: relu, into: &output)
            top = band.upperBound
        }
        return output
    }

    /// U = G g G^T for every filter, as 36 matrices of `outputChannels x inputChannels`.
    /// Computed per call, not kept: they are four times the size of the 3x3 weights.
    func winogradFilters() -> [Float] {
        let pairs = outputChannels * inputChannels
        var filters = [Float](unsafeUninitializedCapacity: 36 * pairs) { $1 = $0.count }
        weight.withUnsafeBufferPointer { g in
            filters.withUnsafeMutableBufferPointer { u in
                let g = g.baseAddress!, u = u.baseAddress!
                Parallel.forEachChunk(of: outputChannels) { range in
                    winograd_filters(g, Int32(inputChannels), Int32(range.lowerBound), Int32(range.upperBound), pairs, u)
                }
            }
        }
        return filters
    }

    /// V = B^T d B for the 6x6 input tiles of `tileRows` (tile row 0 starts at output row
    /// `outputRows.lowerBound`), the 1-pixel reflection pad folded into the gather:
    /// `tiles[(p * channels + c) * count + t]` for position p and tile t of the band.
    private func transformTiles(_ band: RowBand, outputRows: Range<Int>, tileRows: Range<Int>,
                                into tiles: inout [Float]) {
        let input = band.tensor
        let w = input.width, tilesX = (w + 3) / 4, count = tileRows.count * tilesX
        let stride = inputChannels * count
        input.values.withUnsafeBufferPointer { source in
            tiles.withUnsafeMutableBufferPointer { destination in
                let source = source.baseAddress!, destination = destination.baseAddress!
                Parallel.forEachChunk(of: inputChannels) { channels in
                    let scratch = UnsafeMutablePointer<Float>.allocate(
                        capacity: Int(winograd_scratch_length(Int32(w), Int32(tilesX))))
                    let rowPointers = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: 6)
                    defer {
                        scratch.deallocate()
                        rowPointers.deallocate()
                    }
                    for c in channels {
                        let plane = source + c * input.planeSize
                        for (bandRow, ty) in tileRows.enumerated() {
                            for r in 0..<6 {
                                // Rows past the last output row's neighbour only reach discarded outputs.
                                let y = outputRows.lowerBound + 4 * ty - 1 + r
                                rowPointers[r] = y > outputRows.upperBound ? nil : plane + band.row(reflecting: y) * w
                            }
                            winograd_input_row(rowPointers, Int32(w), Int32(tilesX),
                                               destination + c * count + bandRow * tilesX, stride, scratch)
                        }
                    }
                }
            }
        }
    }

    /// Y = A^T M A plus the bias, then ReLU when asked, written into the output rows of `tileRows`;
    /// the parts of edge tiles that fall outside the map are dropped.
    private func inverseTransform(_ products: [Float], tileRows: Range<Int>, relu: Bool, into output: inout Tensor) {
        let h = output.height, w = output.width
        let tilesX = (w + 3) / 4, count = tileRows.count * tilesX
        let stride = outputChannels * count
        products.withUnsafeBufferPointer { products in
            output.values.withUnsafeMutableBufferPointer { destination in
                let products = products.baseAddress!, destination = destination.baseAddress!
                Parallel.forEach(outputChannels) { c in
                    for (bandRow, ty) in tileRows.enumerated() {
                        winograd_output_row(products + c * count + bandRow * tilesX, stride, Int32(tilesX), bias[c],
                                            relu ? 1 : 0, destination + c * h * w + 4 * ty * w, Int32(w),
                                            Int32(min(4, h - 4 * ty)))
                    }
                }
            }
        }
    }
}
