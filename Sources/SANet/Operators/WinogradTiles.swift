/// The transforms of F(4x4, 3x3), eight tiles (or eight filters) at a time in SIMD lanes.
/// The matrices are Lavin and Gray's, with interpolation points 0, 1, -1, 2, -2 and infinity.
enum WinogradTiles {
    typealias Lanes = SIMD8<Float>

    /// Six vectors: one row or column of a 6x6 transformed block.
    struct Six {
        var v0, v1, v2, v3, v4, v5: Lanes

        subscript(i: Int) -> Lanes {
            switch i {
            case 0: return v0
            case 1: return v1
            case 2: return v2
            case 3: return v3
            case 4: return v4
            default: return v5
            }
        }
    }

    /// G x for one row or column x of a 3x3 filter.
    @inline(__always)
    static func filterTransform(_ x0: Lanes, _ x1: Lanes, _ x2: Lanes) -> Six {
        let even = x0 + x2
        return Six(v0: x0 * 0.25,
                   v1: (even + x1) * (-1.0 / 6),
                   v2: (even - x1) * (-1.0 / 6),
                   v3: x0 * (1.0 / 24) + x1 * (1.0 / 12) + x2 * (1.0 / 6),
                   v4: x0 * (1.0 / 24) - x1 * (1.0 / 12) + x2 * (1.0 / 6),
                   v5: x2)
    }

    /// B^T x for one row or column x of a 6x6 input tile.
    @inline(__always)
    static func inputTransform(_ x: Six) -> Six {
        Six(v0: 4 * x.v0 - 5 * x.v2 + x.v4,
            v1: x.v3 + x.v4 - 4 * (x.v1 + x.v2),
            v2: 4 * (x.v1 - x.v2) - x.v3 + x.v4,
            v3: 2 * (x.v3 - x.v1) - x.v2 + x.v4,
            v4: 2 * (x.v1 - x.v3) - x.v2 + x.v4,
            v5: 4 * x.v1 - 5 * x.v3 + x.v5)
    }

    /// A^T x for one row or column x of a 6x6 product block: four outputs.
    @inline(__always)
    static func outputTransform(_ x: Six) -> (Lanes, Lanes, Lanes, Lanes) {
        let sum12 = x.v1 + x.v2, difference12 = x.v1 - x.v2
        let sum34 = x.v3 + x.v4, difference34 = x.v3 - x.v4
        return (x.v0 + sum12 + sum34,
                difference12 + 2 * difference34,
                sum12 + 4 * sum34,
                difference12 + 8 * difference34 + x.v5)
    }

    /// V = B^T d B for the 6x6 input tiles of `tileRows` (tile row 0 starts at output row
    /// `outputRows.lowerBound`), the 1-pixel reflection pad folded into the gather:
    /// `tiles[(p * channels + c) * count + t]` for position p and tile t of the band.
    static func transform(_ band: RowBand, outputRows: Range<Int>, tileRows: Range<Int>, into tiles: inout [Float]) {
        let input = band.tensor
        let h = input.height, w = input.width
        let tilesX = (w + 3) / 4, count = tileRows.count * tilesX
        let channels = input.channels
        let phaseLength = (tilesX + 7) / 8 * 8 + 8
        input.values.withUnsafeBufferPointer { source in
            tiles.withUnsafeMutableBufferPointer { destination in
                let source = source.baseAddress!, destination = destination.baseAddress!
                Parallel.forEachChunk(of: channels) { channelRange in
                    let phases = PhaseRows(tilesX: tilesX, phaseLength: phaseLength)
                    defer { phases.deallocate() }
                    for c in channelRange {
                        let plane = source + c * h * w
                        for (bandRow, ty) in tileRows.enumerated() {
                            for r in 0..<6 {
                                let y = outputRows.lowerBound + 4 * ty - 1 + r
                                phases.fill(row: r, from: y > outputRows.upperBound ? nil : plane + band.row(reflecting: y) * w,
                                            width: w)
                            }
                            var tx = 0
                            while tx < tilesX {
                                let columns = phases.columns(at: tx)
                                let out = destination + c * count + bandRow * tilesX + tx
                                let stride = channels * count, lanes = min(8, tilesX - tx)
                                for i in 0..<6 {
                                    let row = inputTransform(Six(v0: columns.0[i], v1: columns.1[i], v2: columns.2[i],
                                                                 v3: columns.3[i], v4: columns.4[i], v5: columns.5[i]))
                                    store(row, to: out + 6 * i * stride, stride: stride, lanes: lanes)
                                }
                                tx += 8
                            }
                        }
                    }
                }
            }
        }
    }

    /// Six padded input rows split by column modulo 4: `phase(r, k)[t]` is column 4t + k - 1 of row r,
    /// so that the columns of eight neighbouring tiles load as vectors.
    private struct PhaseRows {
        let tilesX: Int, phaseLength: Int
        let storage: UnsafeMutablePointer<Float>
        let line: UnsafeMutablePointer<Float>

        init(tilesX: Int, phaseLength: Int) {
            self.tilesX = tilesX
            self.phaseLength = phaseLength
            storage = .allocate(capacity: 24 * phaseLength)
            storage.initialize(repeating: 0, count: 24 * phaseLength)
            line = .allocate(capacity: 4 * phaseLength)
        }

        func deallocate() {
            storage.deallocate()
            line.deallocate()
        }

        @inline(__always)
        func phase(_ r: Int, _ k: Int) -> UnsafeMutablePointer<Float> {
            storage + (r * 4 + k) * phaseLength
        }

        /// An input row with one reflected column on each side and zeros beyond; a row of zeros
        /// for the rows below the last output row's neighbour, which only discarded outputs see.
        @inline(__always)
        func fill(row r: Int, from source: UnsafePointer<Float>?, width: Int) {
            let length = 4 * (tilesX + 1)
            if let source {
                line[0] = source[1]
                (line + 1).update(from: source, count: width)
                line[width + 1] = source[width - 2]
                (line + width + 2).update(repeating: 0, count: length - width - 2)
            } else {
                line.update(repeating: 0, count: length)
            }
            let p0 = phase(r, 0), p1 = phase(r, 1), p2 = phase(r, 2), p3 = phase(r, 3)
            for t in 0...tilesX {
                p0[t] = line[4 * t]
                p1[t] = line[4 * t + 1]
                p2[t] = line[4 * t + 2]
                p3[t] = line[4 * t + 3]
            }
        }

        /// B^T applied down the six rows to columns 4t + k of tiles `tx..<tx + 8`, for k in 0..<6.
        @inline(__always)
        func columns(at tx: Int) -> (Six, Six, Six, Six, Six, Six) {
            @inline(__always)
            func column(_ k: Int, _ shift: Int) -> Six {
                inputTransform(Six(v0: load(phase(0, k) + tx + shift), v1: load(phase(1, k) + tx + shift),
                                   v2: load(phase(2, k) + tx + shift), v3: load(phase(3, k) + tx + shift),
                                   v4: load(phase(4, k) + tx + shift), v5: load(phase(5, k) + tx + shift)))
            }
            return (column(0, 0), column(1, 0), column(2, 0), column(3, 0), column(0, 1), column(1, 1))
        }
    }

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    /// Stores the six vectors `stride` floats apart; only `lanes` of each when the tile row ends
    /// inside them, so that nothing past the row is written.
    @inline(__always)
    private static func store(_ six: Six, to pointer: UnsafeMutablePointer<Float>, stride: Int, lanes: Int) {
        if lanes == 8 {
            for j in 0..<6 { UnsafeMutableRawPointer(pointer + j * stride).storeBytes(of: six[j], as: Lanes.self) }
        } else {
            for j in 0..<6 {
                let value = six[j]
                for lane in 0..<lanes { pointer[j * stride + lane] = value[lane] }
            }
        }
    }

    /// Y = A^T M A plus the bias, then ReLU when asked, written into the output rows of `tileRows`;
    /// the parts of edge tiles that fall outside the image are dropped.
    static func inverse(_ products: [Float], tileRows: Range<Int>, bias: [Float], relu: Bool,
                        into output: inout Tensor) {
        let h = output.height, w = output.width
        let tilesX = (w + 3) / 4, count = tileRows.count * tilesX
        let channels = output.channels
        products.withUnsafeBufferPointer { products in
            output.values.withUnsafeMutableBufferPointer { destination in
                let products = products.baseAddress!, destination = destination.baseAddress!
                Parallel.forEach(channels) { c in
                    let plane = destination + c * h * w
                    let b = Lanes(repeating: bias[c])
                    let stride = channels * count
                    for (bandRow, ty) in tileRows.enumerated() {
                        let rowsInImage = min(4, h - 4 * ty)
                        var tx = 0
                        while tx < tilesX {
                            let m = products + c * count + bandRow * tilesX + tx
                            @inline(__always)
                            func column(_ j: Int) -> (Lanes, Lanes, Lanes, Lanes) {
                                outputTransform(Six(v0: load(m + j * stride), v1: load(m + (6 + j) * stride),
                                                    v2: load(m + (12 + j) * stride), v3: load(m + (18 + j) * stride),
                                                    v4: load(m + (24 + j) * stride), v5: load(m + (30 + j) * stride)))
                            }
                            let c0 = column(0), c1 = column(1), c2 = column(2), c3 = column(3), c4 = column(4), c5 = column(5)
                            let full = tx + 8 <= tilesX && 4 * (tx + 8) <= w
                            @inline(__always)
                            func write(row i: Int, _ x: Six) {
                                var (y0, y1, y2, y3) = outputTransform(x)
                                y0 += b; y1 += b; y2 += b; y3 += b
                                if relu {
                                    y0.replace(with: 0, where: y0 .< 0)
                                    y1.replace(with: 0, where: y1 .< 0)
                                    y2.replace(with: 0, where: y2 .< 0)
                                    y3.replace(with: 0, where: y3 .< 0)
                                }
                                let line = plane + (4 * ty + i) * w + 4 * tx
                                if full {
                                    for lane in 0..<8 {
                                        line[4 * lane] = y0[lane]
                                        line[4 * lane + 1] = y1[lane]
                                        line[4 * lane + 2] = y2[lane]
                                        line[4 * lane + 3] = y3[lane]
                                    }
                                } else {
                                    let columns = w - 4 * tx
                                    for lane in 0..<min(8, tilesX - tx) {
                                        let x = 4 * lane
                                        if x < columns { line[x] = y0[lane] }
                                        if x + 1 < columns { line[x + 1] = y1[lane] }
                                        if x + 2 < columns { line[x + 2] = y2[lane] }
                                        if x + 3 < columns { line[x + 3] = y3[lane] }
                                    }
                                }
                            }
                            write(row: 0, Six(v0: c0.0, v1: c1.0, v2: c2.0, v3: c3.0, v4: c4.0, v5: c5.0))
                            if rowsInImage > 1 { write(row: 1, Six(v0: c0.1, v1: c1.1, v2: c2.1, v3: c3.1, v4: c4.1, v5: c5.1)) }
                            if rowsInImage > 2 { write(row: 2, Six(v0: c0.2, v1: c1.2, v2: c2.2, v3: c3.2, v4: c4.2, v5: c5.2)) }
                            if rowsInImage > 3 { write(row: 3, Six(v0: c0.3, v1: c1.3, v2: c2.3, v3: c3.3, v4: c4.3, v5: c5.3)) }
                            tx += 8
                        }
                    }
                }
            }
        }
    }
}
