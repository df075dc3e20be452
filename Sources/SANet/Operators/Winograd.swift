/// 3x3 convolutions by Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray, "Fast
/// Algorithms for Convolutional Neural Networks", CVPR 2016): each 4x4 block of outputs comes
/// from a 6x6 block of inputs with 36 products per channel pair instead of 144. Transformed
/// filters U = G g G^T and input tiles V = B^T d B are multiplied position by position, so the
/// products are 36 GEMMs (Cout x Cin by Cin x tiles); Y = A^T M A turns them back into outputs.
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
        var products = [Float](unsafeUninitializedCapacity: 36 * outputChannels * bandRows * tilesX + 8) { $1 = $0.count }
        var output = Tensor(unfilled: outputChannels, height: rows.count, width: width)
        var top = 0
        while top < tilesY {
            let band = top..<min(tilesY, top + bandRows)
            let count = band.count * tilesX
            WinogradTiles.transform(input, outputRows: rows, tileRows: band, into: &tiles)
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
            WinogradTiles.inverse(products, tileRows: band, bias: bias, relu: relu, into: &output)
            top = band.upperBound
        }
        return output
    }

    /// U = G g G^T for every filter, as 36 matrices of `outputChannels x inputChannels`.
    /// Computed per call, not kept: they are four times the size of the 3x3 weights.
    func winogradFilters() -> [Float] {
        let cin = inputChannels, pairs = outputChannels * inputChannels
        var filters = [Float](unsafeUninitializedCapacity: 36 * pairs) { $1 = $0.count }
        weight.withUnsafeBufferPointer { g in
            filters.withUnsafeMutableBufferPointer { u in
                let g = g.baseAddress!, u = u.baseAddress!
                Parallel.forEach(outputChannels) { co in
                    var ci = 0
                    while ci < cin {
                        let lanes = min(8, cin - ci)
                        let f = g + (co * cin + ci) * 9
                        func tap(_ k: Int) -> SIMD8<Float> {
                            if lanes == 8 {
                                return SIMD8(f[k], f[9 + k], f[18 + k], f[27 + k], f[36 + k], f[45 + k], f[54 + k], f[63 + k])
                            }
                            var v = SIMD8<Float>()
                            for lane in 0..<lanes { v[lane] = f[lane * 9 + k] }
                            return v
                        }
                        let r0 = WinogradTiles.filterTransform(tap(0), tap(1), tap(2))
                        let r1 = WinogradTiles.filterTransform(tap(3), tap(4), tap(5))
                        let r2 = WinogradTiles.filterTransform(tap(6), tap(7), tap(8))
                        func store(column j: Int, _ t: WinogradTiles.Six) {
                            for i in 0..<6 {
                                let out = u + (i * 6 + j) * pairs + co * cin + ci
                                let value = t[i]
                                if lanes == 8 {
                                    UnsafeMutableRawPointer(out).storeBytes(of: value, as: SIMD8<Float>.self)
                                } else {
                                    for lane in 0..<lanes { out[lane] = value[lane] }
                                }
                            }
                        }
                        store(column: 0, WinogradTiles.filterTransform(r0.v0, r1.v0, r2.v0))
                        store(column: 1, WinogradTiles.filterTransform(r0.v1, r1.v1, r2.v1))
                        store(column: 2, WinogradTiles.filterTransform(r0.v2, r1.v2, r2.v2))
                        store(column: 3, WinogradTiles.filterTransform(r0.v3, r1.v3, r2.v3))
                        store(column: 4, WinogradTiles.filterTransform(r0.v4, r1.v4, r2.v4))
                        store(column: 5, WinogradTiles.filterTransform(r0.v5, r1.v5, r2.v5))
                        ci += lanes
                    }
                }
            }
        }
        return filters
    }
}
