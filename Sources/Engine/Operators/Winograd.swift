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

    /// Floats of transformed tiles and products held at once: tiles go through in bands small
    /// enough to stay in one core's cache (1 MB) from the transform through the products to the
    /// inverse, but of at least one 32-column panel of the product kernel; so memory stays bounded
    /// at any image size. A band is a run of tiles in raster order, whole panels whatever the map's
    /// width. (Bands large enough to read each transformed filter fewer times were slower: the
    /// tiles fell out of the cache.)
    static let winogradCacheBudget = 1 << 18
    static let winogradPanelTiles = 32

    /// Output rows `rows` from the band of input rows around them, or with `upsampled` from the
    /// band's nearest-neighbour 2x upsampling, read as the transform gathers its tiles; with
    /// `pooled` the output is max-pooled 2x2 (stride 2, ceil mode) as the inverse transform writes
    /// it, so `rows` must begin on an even row. Neither the upsampled input nor the unpooled output
    /// is ever held. With enough bands, each thread takes whole bands (transform, products, inverse
    /// on one core, in its cache, with one hand-off per layer); otherwise the threads share each
    /// step of every band.
    func winograd(_ input: RowBand, upsampled: Bool = false, pooled: Bool = false, rows: Range<Int>, relu: Bool,
                  context: ComputeContext) -> Tensor {
        precondition(!pooled || rows.lowerBound % 2 == 0, "pooling windows begin on even rows")
        let width = upsampled ? 2 * input.tensor.width : input.tensor.width
        let tiles = (rows.count + 3) / 4 * ((width + 3) / 4)
        let floatsPerTile = 36 * (inputChannels + outputChannels), panel = Self.winogradPanelTiles
        let bandTiles = max(panel, Self.winogradCacheBudget / floatsPerTile / panel * panel)
        let bands = stride(from: 0, to: tiles, by: bandTiles).map { $0..<min(tiles, $0 + bandTiles) }
        let filters = winogradFilters(context: context)
        var output = pooled ? Tensor(unfilled: outputChannels, height: (rows.count + 1) / 2, width: (width + 1) / 2)
            : Tensor(unfilled: outputChannels, height: rows.count, width: width)
        filters.withUnsafeBufferPointer { u in
            input.tensor.values.withUnsafeBufferPointer { x in
                output.values.withUnsafeMutableBufferPointer { y in
                    let pass = WinogradPass(convolution: self, input: input, upsampled: upsampled, pooled: pooled,
                                            inputValues: x.baseAddress!,
                                            outputRows: rows, filters: u.baseAddress!, output: y.baseAddress!, relu: relu,
                                            context: context)
                    if bands.count >= 2 * context.threads {
                        context.forEachChunk(of: bands.count) { range in
                            let buffers = pass.buffers(tiles: bandTiles)
                            defer { buffers.deallocate() }
                            for band in range { pass.run(tiles: bands[band], buffers: buffers, shared: false) }
                        }
                    } else {
                        let buffers = pass.buffers(tiles: bandTiles)
                        defer { buffers.deallocate() }
                        for band in bands { pass.run(tiles: band, buffers: buffers, shared: true) }
                    }
                }
            }
        }
        return output
    }

    /// Floats from one position's matrix to the next in the filters, tiles and products: whole
    /// 64-byte lines and one more. The transforms write all 36 positions' matrices side by side,
    /// and at strides of a multiple of 4 KB those writes all fell in one set of the L1 cache (12
    /// ways for 36 streams), which made the transforms two to three times slower.
    static func matrixStride(_ floats: Int) -> Int { (floats + 15) / 16 * 16 + 16 }

    /// U = G g G^T for every filter, as 36 matrices of `outputChannels x inputChannels`,
    /// `matrixStride` apart. Computed per call, not kept: they are four times the size of the 3x3
    /// weights.
    func winogradFilters(context: ComputeContext) -> [Float] {
        let pairs = Self.matrixStride(outputChannels * inputChannels)
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

/// One Winograd convolution over a map, band of tiles by band.
private struct WinogradPass {
    let convolution: Convolution
    let input: RowBand
    /// The convolution reads the 2x nearest-neighbour upsampling of `input`.
    let upsampled: Bool
    /// The output is max-pooled 2x2 with stride 2 as it is written.
    let pooled: Bool
    let inputValues: UnsafePointer<Float>
    /// The output rows of the whole map that the pass produces; tile row 0 starts at the first.
    let outputRows: Range<Int>
    let filters: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let relu: Bool
    let context: ComputeContext

    /// The width of the map convolved.
    var width: Int { upsampled ? 2 * input.tensor.width : input.tensor.width }
    var tilesX: Int { (width + 3) / 4 }

    /// Row `y` of the map convolved (reflected about its borders) in the input band.
    func inputRow(_ y: Int) -> Int {
        upsampled ? input.row(reflecting: reflect(y, size: 2 * input.fullHeight) / 2) : input.row(reflecting: y)
    }

    /// Slots per position and channel in the buffers for a band of `tiles` tiles: whole 64-byte
    /// lines, so that each channel's row of a position's matrix starts on one.
    static func slots(tiles: Int) -> Int { (tiles + 15) / 16 * 16 }

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

    func buffers(tiles: Int) -> Buffers {
        let slots = Self.slots(tiles: tiles)
        return Buffers(tiles: 36 * Convolution.matrixStride(convolution.inputChannels * slots),
                       products: 36 * Convolution.matrixStride(convolution.outputChannels * slots))
    }

    /// One band: V for its tiles, the 36 products, Y into its output rows. `shared`: each step is
    /// spread over the context's threads; otherwise the band runs on the calling thread.
    func run(tiles band: Range<Int>, buffers: Buffers, shared: Bool) {
        let cin = convolution.inputChannels, cout = convolution.outputChannels
        let slots = Self.slots(tiles: band.count), filterStride = Convolution.matrixStride(cout * cin)
        let tileStride = Convolution.matrixStride(cin * slots), productStride = Convolution.matrixStride(cout * slots)
        spread(cin, shared) { transformTiles(band, channels: $0, into: buffers.tiles) }
        spread(36, shared) { positions in
            for p in positions {
                MatrixProduct.multiply(m: cout, n: band.count, k: cin, filters + p * filterStride,
                                       buffers.tiles + p * tileStride, ldb: slots,
                                       into: buffers.products + p * productStride, ldc: slots)
            }
        }
        spread(cout, shared) { inverseTransform(buffers.products, band: band, channels: $0) }
    }

    private func spread(_ count: Int, _ shared: Bool, _ body: (Range<Int>) -> Void) {
        if shared {
            context.forEachChunk(of: count, body)
        } else {
            body(0..<count)
        }
    }

    /// The band's tiles by rows of tiles: the row, its first tile in the band and their count, and
    /// the slot of that first tile. In order, so that the whole vectors that one row's transform
    /// stores past its last slot are overwritten by the next row's.
    private func forEachRow(of band: Range<Int>, _ body: (_ row: Int, _ first: Int, _ count: Int, _ slot: Int) -> Void) {
        var tile = band.lowerBound
        while tile < band.upperBound {
            let first = tile % tilesX, count = min(tilesX - first, band.upperBound - tile)
            body(tile / tilesX, first, count, tile - band.lowerBound)
            tile += count
        }
    }

    /// V = B^T d B for the 6x6 input tiles of the band, the 1-pixel reflection pad folded into the
    /// gather: tile t's position p and channel c at `tiles[p * matrixStride(inputChannels * slots)
    /// + c * slots + t]`.
    private func transformTiles(_ band: Range<Int>, channels: Range<Int>, into tiles: UnsafeMutablePointer<Float>) {
        let w = width, slots = Self.slots(tiles: band.count)
        let stride = Convolution.matrixStride(convolution.inputChannels * slots)
        let scratch = UnsafeMutablePointer<Float>.allocate(
            capacity: Int(winograd_scratch_length(Int32(w), Int32(min(tilesX, band.count)))))
        let rowPointers = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: 6)
        defer {
            scratch.deallocate()
            rowPointers.deallocate()
        }
        for c in channels {
            let plane = inputValues + c * input.tensor.planeSize
            forEachRow(of: band) { ty, first, count, slot in
                for r in 0..<6 {
                    // Rows past the last output row's neighbour only reach discarded outputs.
                    let y = outputRows.lowerBound + 4 * ty - 1 + r
                    rowPointers[r] = y > outputRows.upperBound ? nil : plane + inputRow(y) * input.tensor.width
                }
                winograd_input_row(rowPointers, Int32(w), upsampled ? 1 : 0, Int32(first), Int32(count),
                                   Int32(slots - slot),
                                   c + 1 < channels.upperBound ? input.tensor.planeSize : 0,
                                   tiles + c * slots + slot, stride, scratch)
            }
        }
    }

    /// Y = A^T M A plus the bias, then ReLU when asked (and the max-pool when `pooled`), written
    /// into the output rows of the band's tiles; the parts of edge tiles that fall outside the map
    /// are dropped.
    private func inverseTransform(_ products: UnsafePointer<Float>, band: Range<Int>, channels: Range<Int>) {
        let h = outputRows.count, w = width, slots = Self.slots(tiles: band.count)
        let (outH, outW) = pooled ? ((h + 1) / 2, (w + 1) / 2) : (h, w)
        let stride = Convolution.matrixStride(convolution.outputChannels * slots)
        for c in channels {
            forEachRow(of: band) { ty, first, count, slot in
                let tile = products + c * slots + slot, room = Int32(slots - slot)
                let columns = Int32(min(w - 4 * first, 4 * count)), rows = Int32(min(4, h - 4 * ty))
                let bias = convolution.bias[c], relu: Int32 = relu ? 1 : 0, plane = output + c * outH * outW
                if pooled {
                    winograd_pooled_output_row(tile, stride, Int32(count), room, bias, relu,
                                               plane + 2 * (ty * outW + first), columns, Int32(outW), rows)
                } else {
                    winograd_output_row(tile, stride, Int32(count), room, bias, relu,
                                        plane + 4 * (ty * outW + first), columns, Int32(outW), rows)
                }
            }
        }
    }
}
