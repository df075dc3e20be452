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
    /// rows small enough to stay in one core's cache (1 MB) from the transform through the
    /// products to the inverse, but of at least `winogradMinimumTiles` tiles (one 32-column panel
    /// of the product kernel), and never above `winogradBudget`, so that memory stays bounded at
    /// any image size.
    static let winogradCacheBudget = 1 << 18
    static let winogradMinimumTiles = 32
    static let winogradBudget = 1 << 23

    /// Output rows `rows` from the band of input rows around them. With enough bands, each thread
    /// takes whole bands (transform, products, inverse on one core, in its cache, with one hand-off
    /// per layer); otherwise the threads share each step of every band.
    func winograd(_ input: RowBand, rows: Range<Int>, relu: Bool, context: ComputeContext) -> Tensor {
        let slots = WinogradPass.slots(tiles: (input.tensor.width + 3) / 4), tilesY = (rows.count + 3) / 4
        let floatsPerTileRow = 36 * (inputChannels + outputChannels) * slots
        let bandRows = max(1, min(tilesY, Self.winogradBudget / floatsPerTileRow,
                                  max(Self.winogradCacheBudget / floatsPerTileRow,
                                      (Self.winogradMinimumTiles + slots - 1) / slots)))
        let bands = stride(from: 0, to: tilesY, by: bandRows).map { $0..<min(tilesY, $0 + bandRows) }
        let filters = winogradFilters(context: context)
        var output = Tensor(unfilled: outputChannels, height: rows.count, width: input.tensor.width)
        filters.withUnsafeBufferPointer { u in
            input.tensor.values.withUnsafeBufferPointer { x in
                output.values.withUnsafeMutableBufferPointer { y in
                    let pass = WinogradPass(convolution: self, input: input, inputValues: x.baseAddress!,
                                            outputRows: rows, filters: u.baseAddress!, output: y.baseAddress!, relu: relu,
                                            context: context)
                    if bands.count >= 2 * context.threads {
                        context.forEachChunk(of: bands.count) { range in
                            let buffers = pass.buffers(tileRows: bandRows)
                            defer { buffers.deallocate() }
                            for band in range { pass.run(tileRows: bands[band], buffers: buffers, shared: false) }
                        }
                    } else {
                        let buffers = pass.buffers(tileRows: bandRows)
                        defer { buffers.deallocate() }
                        for band in bands { pass.run(tileRows: band, buffers: buffers, shared: true) }
                    }
                }
            }
        }
        return output
    }

    /// U = G g G^T for every filter, as 36 matrices of `outputChannels x inputChannels`.
    /// Computed per call, not kept: they are four times the size of the 3x3 weights.
    func winogradFilters(context: ComputeContext) -> [Float] {
        let pairs = outputChannels * inputChannels
        var filters = [Float](unsafeUninitializedCapacity: 36 * pairs) { $1 = $0.count }
        weight.withUnsafeBufferPointer { g in
            filters.withUnsafeMutableBufferPointer { u in
                let g = g.baseAddress!, u = u.baseAddress!
                context.forEachChunk(of: outputChannels) { range in
                    winograd_filters(g, Int32(inputChannels), Int32(range.lowerBound), Int32(range.upperBound), pairs, u)
                }
            }
        }
        return filters
    }
}

/// One Winograd convolution over a map, band of tile rows by band.
private struct WinogradPass {
    let convolution: Convolution
    let input: RowBand
    let inputValues: UnsafePointer<Float>
    /// The output rows of the whole map that the pass produces; tile row 0 starts at the first.
    let outputRows: Range<Int>
    let filters: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let relu: Bool
    let context: ComputeContext

    var tilesX: Int { (input.tensor.width + 3) / 4 }

    /// Slots per row of tiles in the buffers: rows of 16 tiles or more start on a 64-byte line,
    /// so that the transforms and the products load and store whole lines.
    static func slots(tiles: Int) -> Int { tiles >= 16 ? (tiles + 15) / 16 * 16 : tiles }

    var slots: Int { Self.slots(tiles: tilesX) }

    /// Transformed tiles and products of one band, on 64-byte lines. The lines are found inside
    /// plain allocations: with allocations of a stated alignment instead, a 512 px pass peaked
    /// about 45 MB higher (freed aligned blocks were not reused).
    struct Buffers {
        let tiles: UnsafeMutablePointer<Float>
        let products: UnsafeMutablePointer<Float>
        private let allocations: [UnsafeMutablePointer<Float>]

        init(tiles: Int, products: Int) {
            let lineFloats = 64 / MemoryLayout<Float>.size
            func lines(_ count: Int) -> (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
                let allocation = UnsafeMutablePointer<Float>.allocate(capacity: count + lineFloats)
                let misalignment = Int(bitPattern: allocation) % 64 / MemoryLayout<Float>.size
                return (allocation, allocation + (lineFloats - misalignment) % lineFloats)
            }
            let (tilesAllocation, tiles) = lines(tiles), (productsAllocation, products) = lines(products)
            self.tiles = tiles
            self.products = products
            allocations = [tilesAllocation, productsAllocation]
        }

        func deallocate() {
            for allocation in allocations { allocation.deallocate() }
        }
    }

    func buffers(tileRows: Int) -> Buffers {
        Buffers(tiles: 36 * convolution.inputChannels * tileRows * slots,
                products: 36 * convolution.outputChannels * tileRows * slots)
    }

    /// One band: V for its tiles, the 36 products, Y into its output rows. `shared`: each step is
    /// spread over the context's threads; otherwise the band runs on the calling thread.
    func run(tileRows: Range<Int>, buffers: Buffers, shared: Bool) {
        let cin = convolution.inputChannels, cout = convolution.outputChannels
        let count = tileRows.count * slots
        spread(cin, shared) { transformTiles(tileRows, channels: $0, into: buffers.tiles) }
        spread(36, shared) { positions in
            for p in positions {
                MatrixProduct.multiply(m: cout, n: count, k: cin,
                                       filters + p * cout * cin,
                                       buffers.tiles + p * cin * count, ldb: count,
                                       into: buffers.products + p * cout * count, ldc: count)
            }
        }
        spread(cout, shared) { inverseTransform(buffers.products, tileRows: tileRows, channels: $0) }
    }

    private func spread(_ count: Int, _ shared: Bool, _ body: (Range<Int>) -> Void) {
        if shared {
            context.forEachChunk(of: count, body)
        } else {
            body(0..<count)
        }
    }

    /// V = B^T d B for the 6x6 input tiles of `tileRows`, the 1-pixel reflection pad folded into
    /// the gather: `tiles[(p * inputChannels + c) * count + t]` for position p and tile t of the band.
    private func transformTiles(_ tileRows: Range<Int>, channels: Range<Int>, into tiles: UnsafeMutablePointer<Float>) {
        let w = input.tensor.width, count = tileRows.count * slots
        let stride = convolution.inputChannels * count
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Int(winograd_scratch_length(Int32(w), Int32(tilesX))))
        let rowPointers = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: 6)
        defer {
            scratch.deallocate()
            rowPointers.deallocate()
        }
        for c in channels {
            let plane = inputValues + c * input.tensor.planeSize
            for (bandRow, ty) in tileRows.enumerated() {
                for r in 0..<6 {
                    // Rows past the last output row's neighbour only reach discarded outputs.
                    let y = outputRows.lowerBound + 4 * ty - 1 + r
                    rowPointers[r] = y > outputRows.upperBound ? nil : plane + input.row(reflecting: y) * w
                }
                winograd_input_row(rowPointers, Int32(w), Int32(tilesX), Int32(slots),
                                   tiles + c * count + bandRow * slots, stride, scratch)
            }
        }
    }

    /// Y = A^T M A plus the bias, then ReLU when asked, written into the output rows of `tileRows`;
    /// the parts of edge tiles that fall outside the map are dropped.
    private func inverseTransform(_ products: UnsafePointer<Float>, tileRows: Range<Int>, channels: Range<Int>) {
        let h = outputRows.count, w = input.tensor.width, count = tileRows.count * slots
        let stride = convolution.outputChannels * count
        for c in channels {
            for (bandRow, ty) in tileRows.enumerated() {
                winograd_output_row(products + c * count + bandRow * slots, stride, Int32(tilesX), Int32(slots),
                                    convolution.bias[c], relu ? 1 : 0, output + c * h * w + 4 * ty * w, Int32(w),
                                    Int32(min(4, h - 4 * ty)))
            }
        }
    }
}
